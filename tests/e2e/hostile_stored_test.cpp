// What earlier versions let clients store must not break any later read or write: events
// nested 25,000 levels deep, and \u0000 in display names and room names. The rows are
// rewritten straight in PostgreSQL (as such requests left them), then used over real HTTP.
#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

constexpr int kStoredDepth = 25000;

class HostileStored : public RoomSuite<HostileStored> {
 protected:
  // Puts `member` (a JSON member text, e.g. "\"deep\":[[...]]") first into the content of the
  // stored event, in both of its JSON forms.
  static void addToStoredContent(const std::string& event_id, const std::string& member) {
    pqxx::connection conn(s().config().database.url);
    pqxx::work tx(conn);
    const auto r = tx.exec_params(
        "UPDATE events SET client_json = replace(client_json, '\"content\":{', $2), "
        "pdu_json = replace(pdu_json, '\"content\":{', $2) WHERE event_id = $1",
        event_id, "\"content\":{" + member + ",");
    tx.commit();
    ASSERT_EQ(r.affected_rows(), 1u) << event_id;
  }
  static std::string deepMember() {
    return "\"deep\":" + std::string(kStoredDepth, '[') + std::string(kStoredDepth, ']');
  }
  static std::string stateEventId(const User& u, const std::string& room, const std::string& type,
                                  const std::string& key = "") {
    return str(getState(u, room, type, key, "?format=event").json(), "event_id");
  }
  static void expectOk(const HttpResult& r, const std::string& must_contain, const std::string& what) {
    EXPECT_EQ(r.status, 200) << what << ": " << r.body.substr(0, 300);
    EXPECT_NE(r.body.find(must_contain), std::string::npos) << what;
  }
};

TEST_F(HostileStored, DeepEventsStoredEarlierStillRead) {
  const User a = newUser("hsa");
  const User b = newUser("hsb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(putState(a, room, "m.room.topic", "", R"({"topic":"t"})").status, 200);
  ASSERT_EQ(putState(a, room, "m.room.name", "", R"({"name":"deep room"})").status, 200);
  ASSERT_EQ(s().put(kV3 + "/directory/list/room/" + enc(room), R"({"visibility":"public"})", a.token).status, 200);
  const std::string message = send(a, room, "hello");  // b gets a notification for it
  addToStoredContent(message, deepMember());
  addToStoredContent(stateEventId(a, room, "m.room.topic"), deepMember());
  addToStoredContent(stateEventId(a, room, "m.room.name"), deepMember());
  const std::string deep_start = "\"deep\":[[[[";

  expectOk(s().get(kV3 + "/sync?timeout=0&full_state=true", b.token), message, "sync");
  expectOk(messages(b, room, "dir=b&limit=10"), message, "messages");
  expectOk(roomGet(b, room, "/event/" + enc(message)), deep_start, "event");
  expectOk(roomGet(b, room, "/context/" + enc(message)), message, "context");
  expectOk(s().get("/_matrix/client/v1/rooms/" + enc(room) + "/relations/" + enc(message), b.token), "chunk",
           "relations");
  expectOk(s().get(kV3 + "/notifications", b.token), message, "notifications");
  expectOk(roomGet(b, room, "/state"), deep_start, "state");
  expectOk(getState(b, room, "m.room.topic"), deep_start, "topic content");
  expectOk(s().get(kV3 + "/publicRooms", b.token), room, "publicRooms");
  // An invite shows the (deep) room name in its stripped state.
  const User c = newUser("hsc");
  ASSERT_EQ(invite(a, room, c.id).status, 200);
  expectOk(s().get(kV3 + "/sync?timeout=0", c.token), deep_start, "invite sync");
  // Writes that read the deep state (its content becomes prev_content) still work.
  EXPECT_EQ(putState(a, room, "m.room.topic", "", R"({"topic":"after"})").status, 200);
  EXPECT_EQ(send(b, room, "still here").empty(), false);
  EXPECT_EQ(s().get("/_matrix/client/versions").status, 200);
}

TEST_F(HostileStored, NulDisplayNameStoredEarlierCanBeKickedBannedAndLeave) {
  const User a = newUser("hsk");
  const User eve = newUser("hse");
  const User ned = newUser("hsn");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(eve, room).status, 200);
  ASSERT_EQ(join(ned, room).status, 200);
  addToStoredContent(stateEventId(a, room, "m.room.member", eve.id), R"("displayname":"eve\u0000")");
  addToStoredContent(stateEventId(a, room, "m.room.member", ned.id), R"("displayname":"ned\u0000x")");
  // Everyone reads the room, and eve's messages notify as any others do.
  const std::string from_eve = send(eve, room, "hi");
  expectOk(s().get(kV3 + "/sync?timeout=0", a.token), from_eve, "sync");
  expectOk(s().get(kV3 + "/notifications", a.token), from_eve, "notifications");
  const auto kick = s().post(kV3 + "/rooms/" + enc(room) + "/kick", R"({"user_id":")" + eve.id + "\"}", a.token);
  EXPECT_EQ(kick.status, 200) << kick.body;
  const auto ban = s().post(kV3 + "/rooms/" + enc(room) + "/ban", R"({"user_id":")" + eve.id + "\"}", a.token);
  EXPECT_EQ(ban.status, 200) << ban.body;
  EXPECT_EQ(leave(ned, room).status, 200);
  EXPECT_EQ(str(getState(a, room, "m.room.member", eve.id).json(), "membership"), "ban");
  EXPECT_EQ(str(getState(a, room, "m.room.member", ned.id).json(), "membership"), "leave");
}

TEST_F(HostileStored, NulRoomNameStoredEarlierKeepsTheDirectoryWorking) {
  const User a = newUser("hsp");
  const std::string room = publicRoom(a);
  ASSERT_EQ(putState(a, room, "m.room.name", "", R"({"name":"findme"})").status, 200);
  ASSERT_EQ(putState(a, room, "m.room.topic", "", R"({"topic":"topic"})").status, 200);
  ASSERT_EQ(s().put(kV3 + "/directory/list/room/" + enc(room), R"({"visibility":"public"})", a.token).status, 200);
  addToStoredContent(stateEventId(a, room, "m.room.name"), R"("x":"\u0000")");
  addToStoredContent(stateEventId(a, room, "m.room.topic"), R"("topic":"t\u0000op")");
  const auto all = s().get(kV3 + "/publicRooms");
  expectOk(all, room, "publicRooms");
  const auto found = s().post(kV3 + "/publicRooms", R"({"filter":{"generic_search_term":"FINDME"}})", a.token);
  expectOk(found, room, "publicRooms search");
  const auto doc = found.json();
  ASSERT_TRUE(doc["chunk"].IsArray());
  ASSERT_EQ(doc["chunk"].Size(), 1u);
  EXPECT_EQ(str(doc["chunk"][0], "name"), "findme");
  EXPECT_EQ(s().post(kV3 + "/publicRooms", R"({"filter":{"generic_search_term":"nothing"}})", a.token)
                .json()["chunk"].Size(),
            0u);
}

}  // namespace
}  // namespace hs::test::rooms_e2e
