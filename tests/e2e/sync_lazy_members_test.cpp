// Lazy-loaded members in /sync over real HTTP: no membership the device already holds is
// sent again (unless include_redundant_members), a lost response's members are sent again,
// and membership changes in a gap reach the client.
#include <gtest/gtest.h>

#include <set>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

const std::string kLazy = R"({"room":{"timeline":{"limit":5},"state":{"lazy_load_members":true}}})";
const std::string kRedundant =
    R"({"room":{"timeline":{"limit":5},"state":{"lazy_load_members":true,"include_redundant_members":true}}})";

class SyncLazyMembers : public RoomSuite<SyncLazyMembers> {
 protected:
  static json::Document lazySync(const User& u, const std::string& since, const std::string& filter = kLazy) {
    return sync(u, "filter=" + enc(filter) + (since.empty() ? "" : "&since=" + enc(since)));
  }
  // The state keys of the m.room.member events a sync gives for a room (state and timeline).
  static std::set<std::string> members(const json::Document& s, const std::string& room) {
    std::set<std::string> out;
    const auto& join = s["rooms"]["join"];
    if (!join.HasMember(room.c_str())) {
      return out;
    }
    for (const char* section : {"state", "timeline"}) {
      for (const auto& e : join[room.c_str()][section]["events"].GetArray()) {
        if (str(e, "type") == "m.room.member") {
          out.insert(str(e, "state_key"));
        }
      }
    }
    return out;
  }
  static std::string next(const json::Document& s) { return str(s, "next_batch"); }
};

TEST_F(SyncLazyMembers, HeldMembershipsAreNotSentAgainUnlessAsked) {
  const User a = newUser("lla");
  const User b = newUser("llb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  send(b, room, "hello");
  const auto first = lazySync(a, "");
  EXPECT_TRUE(members(first, room).count(b.id));
  send(b, room, "again");
  const auto second = lazySync(a, next(first));
  EXPECT_EQ(members(second, room).count(b.id), 0u) << json::toString(second);
  EXPECT_EQ(eventIds(second["rooms"]["join"][room.c_str()]["timeline"]["events"]).size(), 1u);
  send(b, room, "and again");
  const auto redundant = lazySync(a, next(second), kRedundant);
  EXPECT_TRUE(members(redundant, room).count(b.id)) << json::toString(redundant);
  // A changed membership (a new display name) is news again, even once the timeline has
  // moved past it.
  ASSERT_EQ(s().put(kV3 + "/profile/" + enc(b.id) + "/displayname", R"({"displayname":"Bee"})", b.token).status,
            200);
  for (int i = 0; i < 6; ++i) {
    send(b, room, "renamed");
  }
  const auto renamed = lazySync(a, next(redundant));
  EXPECT_TRUE(members(renamed, room).count(b.id)) << json::toString(renamed);
}

TEST_F(SyncLazyMembers, ALostResponseSendsItsMembersAgain) {
  const User a = newUser("llr");
  const User b = newUser("llrb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  for (int i = 0; i < 6; ++i) {
    send(a, room, "filler");  // b's join falls out of the timeline
  }
  const auto initial = lazySync(a, "");
  EXPECT_EQ(members(initial, room).count(b.id), 0u);
  send(b, room, "first words");
  const auto lost = lazySync(a, next(initial));
  EXPECT_TRUE(members(lost, room).count(b.id));
  // The client never got `lost` and retries from the same token: b's membership again.
  const auto retried = lazySync(a, next(initial));
  EXPECT_TRUE(members(retried, room).count(b.id)) << json::toString(retried);
  send(b, room, "second words");
  EXPECT_EQ(members(lazySync(a, next(retried)), room).count(b.id), 0u);
}

TEST_F(SyncLazyMembers, MembershipChangesInAGapAreIncluded) {
  const User a = newUser("llg");
  const User b = newUser("llgb");
  const User c = newUser("llgc");
  const User d = newUser("llgd");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(join(d, room).status, 200);
  for (int i = 0; i < 6; ++i) {
    send(a, room, "filler");  // b's and d's joins fall out of the first timeline
  }
  const auto before = lazySync(a, "");
  EXPECT_EQ(members(before, room).count(b.id), 0u);
  ASSERT_EQ(join(c, room).status, 200);
  ASSERT_EQ(leave(d, room).status, 200);
  for (int i = 0; i < 10; ++i) {
    send(b, room, "filler");
  }
  const auto gapped = lazySync(a, next(before));
  const auto& timeline = gapped["rooms"]["join"][room.c_str()]["timeline"];
  ASSERT_TRUE(timeline["limited"].GetBool());
  const auto m = members(gapped, room);
  EXPECT_TRUE(m.count(c.id)) << json::toString(gapped);  // joined in the gap
  EXPECT_TRUE(m.count(d.id));                            // left in the gap
  EXPECT_TRUE(m.count(b.id));                            // speaks in the timeline, never sent before
}

}  // namespace
}  // namespace hs::test::rooms_e2e
