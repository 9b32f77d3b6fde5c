// /sync semantics beyond the basics: full_state with since, history visibility in timelines,
// lazy-loaded members on incremental syncs, typing of members who left.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {


class SyncSemantics : public RoomSuite<SyncSemantics> {};

const json::Value& joinedRoom(const json::Document& sync, const std::string& room) {
  return sync["rooms"]["join"][room.c_str()];
}

TEST_F(SyncSemantics, FullStateWithSinceKeepsTheTimelineIncremental) {
  const User a = newUser("fs");
  const std::string room = createRoom(a, R"({"name":"Full"})");
  const auto first = sync(a);
  const std::string since = first["next_batch"].GetString();
  send(a, room, "after the token");
  const auto second = sync(a, "since=" + since + "&full_state=true");
  const auto& r = joinedRoom(second, room);
  ASSERT_EQ(r["timeline"]["events"].Size(), 1u);
  EXPECT_EQ(str(r["timeline"]["events"][0]["content"], "body"), "after the token");
  EXPECT_NE(findEvent(r["state"]["events"], "m.room.create"), nullptr);
  EXPECT_NE(findEvent(r["state"]["events"], "m.room.name"), nullptr);
}

TEST_F(SyncSemantics, JoinedHistoryVisibilityHidesEarlierMessages) {
  const User a = newUser("hva");
  const User b = newUser("hvb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(putState(a, room, "m.room.history_visibility", "", R"({"history_visibility":"joined"})").status, 200);
  send(a, room, "before b joined");
  ASSERT_EQ(join(b, room).status, 200);
  send(a, room, "after b joined");
  const auto s = sync(b);
  const auto& events = joinedRoom(s, room)["timeline"]["events"];
  for (const auto& e : events.GetArray()) {
    EXPECT_NE(str(e["content"], "body"), "before b joined");
  }
  bool saw_after = false;
  for (const auto& e : events.GetArray()) {
    saw_after |= str(e["content"], "body") == "after b joined";
  }
  EXPECT_TRUE(saw_after);
}

TEST_F(SyncSemantics, LazyMembersOnIncrementalSyncIncludeNewSenders) {
  const User a = newUser("lza");
  const User c = newUser("lzc");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(c, room).status, 200);
  send(a, room, "filler");  // c's join falls out of the first timeline: the client never saw c
  const std::string filter = enc(R"({"room":{"timeline":{"limit":1},"state":{"lazy_load_members":true}}})");
  const auto first = sync(a, "filter=" + filter);
  EXPECT_EQ(findEvent(joinedRoom(first, room)["state"]["events"], "m.room.member", c.id), nullptr);
  const std::string since = first["next_batch"].GetString();
  send(c, room, "c speaks");
  const auto second = sync(a, "filter=" + filter + "&since=" + since);
  const auto& r = joinedRoom(second, room);
  ASSERT_FALSE(r["timeline"]["limited"].GetBool());
  EXPECT_NE(findEvent(r["state"]["events"], "m.room.member", c.id), nullptr);
}

TEST_F(SyncSemantics, MemberWhoLeftIsNoLongerTyping) {
  const User a = newUser("tla");
  const User b = newUser("tlb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/typing/" + enc(b.id), R"({"typing":true,"timeout":30000})",
                    b.token).status, 200);
  ASSERT_EQ(leave(b, room).status, 200);
  const auto s1 = sync(a);
  const auto& eph = joinedRoom(s1, room)["ephemeral"]["events"];
  const json::Value* typing = findEvent(eph, "m.typing");
  ASSERT_NE(typing, nullptr);
  EXPECT_EQ((*typing)["content"]["user_ids"].Size(), 0u);
}

}  // namespace
}  // namespace hs::test::rooms_e2e
