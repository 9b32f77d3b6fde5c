// Per-event history visibility over real HTTP: each event is judged by the room's
// m.room.history_visibility and the reader's membership at that event, in /messages, /event,
// /context and /sync.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomHistoryVisibility : public RoomSuite<RoomHistoryVisibility> {
 protected:
  // Bodies of the m.room.message events `u` gets from /messages, oldest first.
  static std::vector<std::string> messageBodies(const User& u, const std::string& room) {
    const auto r = messages(u, room, "dir=b&limit=100");
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const auto doc = r.json();
    for (const auto& e : doc["chunk"].GetArray()) {
      if (str(e, "type") == "m.room.message") {
        out.insert(out.begin(), str(e["content"], "body"));
      }
    }
    return out;
  }
  static std::vector<std::string> timelineBodies(const User& u, const std::string& room) {
    const auto s = sync(u, "filter=" + enc(R"({"room":{"timeline":{"limit":100}}})"));
    std::vector<std::string> out;
    for (const auto& e : s["rooms"]["join"][room.c_str()]["timeline"]["events"].GetArray()) {
      if (str(e, "type") == "m.room.message") {
        out.push_back(str(e["content"], "body"));
      }
    }
    return out;
  }
  static std::string setVisibility(const User& u, const std::string& room, const std::string& value) {
    const auto r = putState(u, room, "m.room.history_visibility", "", R"({"history_visibility":")" + value + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "event_id");
  }
};

TEST_F(RoomHistoryVisibility, SharedMessagesStayReadableAfterAChangeToInvited) {
  const User a = newUser("pev");
  const User b = newUser("pevb");
  const std::string room = publicRoom(a);  // shared
  const std::string shared = send(a, room, "while shared");
  const std::string change = setVisibility(a, room, "invited");
  const std::string hidden = send(a, room, "before b was invited or joined");
  ASSERT_EQ(join(b, room).status, 200);
  const std::string after = send(a, room, "after b joined");
  const std::vector<std::string> expected = {"while shared", "after b joined"};
  EXPECT_EQ(messageBodies(b, room), expected);
  EXPECT_EQ(timelineBodies(b, room), expected);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(shared)).status, 200);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(change)).status, 200);  // the change itself
  EXPECT_MATRIX_ERROR(roomGet(b, room, "/event/" + enc(hidden)), 404, "M_NOT_FOUND");
  const auto context = roomGet(b, room, "/context/" + enc(shared) + "?limit=20");
  ASSERT_EQ(context.status, 200) << context.body;
  EXPECT_EQ(context.body.find(hidden), std::string::npos);
  EXPECT_NE(context.body.find(after), std::string::npos);
  EXPECT_MATRIX_ERROR(roomGet(b, room, "/context/" + enc(hidden)), 404, "M_NOT_FOUND");
}

TEST_F(RoomHistoryVisibility, AChangeToSharedDoesNotOpenWhatWasSentUnderJoined) {
  const User a = newUser("pevj");
  const User b = newUser("pevjb");
  const std::string room = publicRoom(a);
  setVisibility(a, room, "joined");
  const std::string secret = send(a, room, "members only");
  setVisibility(a, room, "shared");
  send(a, room, "open to later members");
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_EQ(messageBodies(b, room), std::vector<std::string>{"open to later members"});
  EXPECT_EQ(timelineBodies(b, room), std::vector<std::string>{"open to later members"});
  EXPECT_MATRIX_ERROR(roomGet(b, room, "/event/" + enc(secret)), 404, "M_NOT_FOUND");
  // Paging past the hidden stretch reaches what lies before it (the room's creation).
  const auto page = messages(b, room, "dir=b&limit=100").json();
  EXPECT_NE(findEvent(page["chunk"], "m.room.create"), nullptr);
}

TEST_F(RoomHistoryVisibility, RejoiningShowsTheNewJoinAndBothStretches) {
  const User a = newUser("pevr");
  const User b = newUser("pevrb");
  const std::string room = publicRoom(a);
  setVisibility(a, room, "joined");
  ASSERT_EQ(join(b, room).status, 200);
  send(a, room, "first stretch");
  ASSERT_EQ(leave(b, room).status, 200);
  send(a, room, "while b was away");
  const std::string since = str(sync(b), "next_batch");
  ASSERT_EQ(join(b, room).status, 200);
  const std::string rejoin = str(getState(a, room, "m.room.member", b.id, "?format=event").json(), "event_id");
  send(a, room, "second stretch");
  EXPECT_EQ(messageBodies(b, room), (std::vector<std::string>{"first stretch", "second stretch"}));
  const auto next = sync(b, "since=" + enc(since));
  const auto ids = eventIds(next["rooms"]["join"][room.c_str()]["timeline"]["events"]);
  EXPECT_NE(std::find(ids.begin(), ids.end(), rejoin), ids.end()) << json::toString(next);
}

}  // namespace
}  // namespace hs::test::rooms_e2e
