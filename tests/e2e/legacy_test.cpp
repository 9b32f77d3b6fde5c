// The deprecated endpoints over real HTTP: /initialSync, /events, /rooms/{roomId}/initialSync
// and /events/{eventId}.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class Legacy : public RoomSuite<Legacy> {
 protected:
  static const json::Value* roomIn(const json::Value& rooms, const std::string& room_id) {
    for (const auto& r : rooms.GetArray()) {
      if (str(r, "room_id") == room_id) {
        return &r;
      }
    }
    return nullptr;
  }
  static std::vector<std::string> bodies(const json::Value& events) {
    std::vector<std::string> out;
    for (const auto& e : events.GetArray()) {
      if (str(e, "type") == "m.room.message") {
        out.push_back(str(e["content"], "body"));
      }
    }
    return out;
  }
};

TEST_F(Legacy, InitialSyncThenEvents) {
  const User a = newUser("leg");
  const User b = newUser("legb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  send(a, room, "before");
  ASSERT_EQ(invite(a, createRoom(a), b.id).status, 200);
  const auto initial = s().get(kV3 + "/initialSync?limit=5", b.token);
  ASSERT_EQ(initial.status, 200) << initial.body;
  const auto doc = initial.json();
  ASSERT_TRUE(doc["presence"].IsArray());
  ASSERT_TRUE(doc["account_data"].IsArray());
  const auto* r = roomIn(doc["rooms"], room);
  ASSERT_NE(r, nullptr) << initial.body;
  EXPECT_EQ(str(*r, "membership"), "join");
  EXPECT_EQ(bodies((*r)["messages"]["chunk"]), std::vector<std::string>{"before"});
  EXPECT_FALSE(str((*r)["messages"], "start").empty());
  EXPECT_NE(findEvent((*r)["state"], "m.room.create"), nullptr);
  EXPECT_NE(findEvent((*r)["state"], "m.room.member", b.id), nullptr);  // current state, timeline included
  size_t invites = 0;
  for (const auto& x : doc["rooms"].GetArray()) {
    invites += str(x, "membership") == "invite" ? 1 : 0;
  }
  EXPECT_EQ(invites, 1u);

  const std::string end = str(doc, "end");
  send(a, room, "after");
  ASSERT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/typing/" + enc(a.id), R"({"typing":true,"timeout":5000})",
                    a.token).status, 200);
  const auto events = s().get(kV3 + "/events?timeout=0&from=" + enc(end), b.token);
  ASSERT_EQ(events.status, 200) << events.body;
  const auto ev = events.json();
  EXPECT_EQ(str(ev, "start"), end);
  EXPECT_EQ(bodies(ev["chunk"]), std::vector<std::string>{"after"});
  const auto* typing = findEvent(ev["chunk"], "m.typing");
  ASSERT_NE(typing, nullptr) << events.body;
  EXPECT_EQ(str(*typing, "room_id"), room);
  for (const auto& e : ev["chunk"].GetArray()) {
    if (str(e, "type") == "m.room.message") {
      EXPECT_EQ(str(e, "room_id"), room);
    }
  }
  // Nothing new since: an empty chunk once the (short) timeout passes.
  const auto quiet = s().get(kV3 + "/events?timeout=50&from=" + enc(str(ev, "end")), b.token);
  ASSERT_EQ(quiet.status, 200) << quiet.body;
  EXPECT_EQ(bodies(quiet.json()["chunk"]).size(), 0u);
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/events?from=nonsense", b.token), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/events?timeout=0&room_id=" + enc(createRoom(a)), b.token), 403, "M_FORBIDDEN");
}

TEST_F(Legacy, RoomInitialSync) {
  const User a = newUser("legr");
  const User outsider = newUser("legro");
  const std::string room = createRoom(a);
  send(a, room, "one");
  send(a, room, "two");
  const auto r = roomGet(a, room, "/initialSync?limit=10");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(str(doc, "room_id"), room);
  EXPECT_EQ(str(doc, "membership"), "join");
  EXPECT_EQ(bodies(doc["messages"]["chunk"]), (std::vector<std::string>{"one", "two"}));  // oldest first
  EXPECT_FALSE(str(doc["messages"], "end").empty());
  EXPECT_NE(findEvent(doc["state"], "m.room.power_levels"), nullptr);
  ASSERT_EQ(doc["presence"].Size(), 1u);
  EXPECT_EQ(str(doc["presence"][0], "sender"), a.id);
  // The start token pages further back with /messages.
  const auto older = messages(a, room, "dir=b&limit=100&from=" + enc(str(doc["messages"], "start")));
  EXPECT_EQ(older.status, 200) << older.body;
  EXPECT_MATRIX_ERROR(roomGet(outsider, room, "/initialSync"), 403, "M_FORBIDDEN");
  // A world-readable room is readable without joining.
  ASSERT_EQ(putState(a, room, "m.room.history_visibility", "", R"({"history_visibility":"world_readable"})").status,
            200);
  send(a, room, "for everyone");
  const auto peek = roomGet(outsider, room, "/initialSync");
  ASSERT_EQ(peek.status, 200) << peek.body;
  EXPECT_FALSE(peek.json().HasMember("membership"));
  EXPECT_EQ(bodies(peek.json()["messages"]["chunk"]), std::vector<std::string>{"for everyone"});
  // Peeking with /events?room_id=: the world-readable room's events after that answer's end.
  send(a, room, "peeked");
  const std::string end = str(peek.json()["messages"], "end");
  const auto events = s().get(kV3 + "/events?timeout=0&room_id=" + enc(room) + "&from=" + enc(end), outsider.token);
  ASSERT_EQ(events.status, 200) << events.body;
  EXPECT_EQ(bodies(events.json()["chunk"]), std::vector<std::string>{"peeked"});
  EXPECT_EQ(str(events.json(), "start"), end);
  const auto later = s().get(kV3 + "/events?timeout=0&room_id=" + enc(room) + "&from=" +
                                 enc(str(events.json(), "end")), outsider.token);
  ASSERT_EQ(later.status, 200) << later.body;
  EXPECT_EQ(later.json()["chunk"].Size(), 0u);
}

TEST_F(Legacy, EventById) {
  const User a = newUser("lege");
  const User outsider = newUser("legeo");
  const std::string room = createRoom(a);
  const std::string id = send(a, room, "by id");
  const auto r = s().get(kV3 + "/events/" + enc(id), a.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json(), "event_id"), id);
  EXPECT_EQ(str(r.json(), "room_id"), room);
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/events/" + enc(id), outsider.token), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/events/" + enc("$nope"), a.token), 404, "M_NOT_FOUND");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
