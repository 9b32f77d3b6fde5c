// Forks through the EventPipeline: the current state is the resolution of the forward
// extremities' states (ALGORITHMS §16), whatever order the branches arrive in.
#include <gtest/gtest.h>

#include "tests/db/pipeline_fixture.h"

namespace hs::test {
namespace {

using rooms::PduStatus;

std::vector<std::string> sorted(std::vector<std::string> ids) {
  std::sort(ids.begin(), ids.end());
  return ids;
}

class EventPipelineForks : public ::testing::TestWithParam<std::string> {
 protected:
  // A fresh server that learned the room's state at `base` and then receives `pdus`, each on
  // `base`, in this order.
  struct Server {
    PipelineFixture f;
    Server(const RemoteRoom& room, const std::vector<BuiltPdu>& pdus, const std::string& base) {
      f.importAt(room, base);
      for (const auto& p : pdus) {
        const auto r = f.receive(room, p.json, rooms::EventOrigin::kRemote, PipelineFixture::stateAt(room, base));
        EXPECT_TRUE(r.status == PduStatus::kAccepted || r.status == PduStatus::kSoftFailed) << r.reason;
      }
    }
  };
};

TEST_P(EventPipelineForks, TwoBranchesBothBecomeExtremitiesAndMerge) {
  PipelineFixture f;
  RemoteRoom room = f.remoteRoom(GetParam());
  f.join(room);
  const std::string base = room.last();
  const auto topic = room.state(kRemoteAlice, "m.room.topic", "", R"({"topic":"t"})", std::vector{base});
  const auto name = room.state(kRemoteAlice, "m.room.name", "", R"({"name":"n"})", std::vector{base});
  ASSERT_EQ(f.receive(room, topic.json).status, PduStatus::kAccepted);
  ASSERT_EQ(f.receive(room, name.json).status, PduStatus::kAccepted);
  EXPECT_EQ(f.extremities(room.roomId()), sorted({topic.id, name.id}));
  EXPECT_EQ(f.current(room.roomId(), "m.room.topic"), topic.id);  // both branches' state
  EXPECT_EQ(f.current(room.roomId(), "m.room.name"), name.id);
  const auto merge = room.message(kRemoteAlice, "both", std::vector{topic.id, name.id});
  ASSERT_EQ(f.receive(room, merge.json).status, PduStatus::kAccepted);
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{merge.id});
  EXPECT_EQ(f.current(room.roomId(), "m.room.name"), name.id);
  // A local send now cites the merge and builds on the merged state.
  auto batch = f.pipeline.open(room.roomId());
  const auto mine = batch.appendLocal(rooms::EventDraft{kLocalMe, "m.room.message", std::nullopt,
                                                        R"({"msgtype":"m.text","body":"x"})", std::nullopt});
  batch.commit();
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{mine.event_id});
}

TEST_P(EventPipelineForks, TwoRenamesResolveTheSameFromEitherArrivalOrder) {
  PipelineFixture probe;
  RemoteRoom room = probe.remoteRoom(GetParam());
  const std::string base = room.last();
  const auto one = room.state(kRemoteAlice, "m.room.name", "", R"({"name":"one"})", std::vector{base});
  const auto two = room.state(kRemoteAlice, "m.room.name", "", R"({"name":"two"})", std::vector{base});
  Server a(room, {one, two}, base);
  Server b(room, {two, one}, base);
  const std::string name_a = a.f.current(room.roomId(), "m.room.name");
  EXPECT_EQ(name_a, b.f.current(room.roomId(), "m.room.name"));
  // Same power levels on both sides: the mainline ties, the later origin_server_ts wins.
  // (Room v1 resolves by depth, then the lowest SHA-1 of the event ID: either may win.)
  if (GetParam() != "1") {
    EXPECT_EQ(name_a, two.id);
  }
  EXPECT_EQ(a.f.extremities(room.roomId()), b.f.extremities(room.roomId()));
}

TEST_P(EventPipelineForks, ABanRacingAJoinLeavesTheUserBanned) {
  PipelineFixture probe;
  RemoteRoom room = probe.remoteRoom(GetParam());
  const std::string base = room.last();
  const auto join = room.member(kRemoteCharlie, kRemoteCharlie, "join", std::vector{base});
  const auto ban = room.member(kRemoteAlice, kRemoteCharlie, "ban", std::vector{base});
  Server join_first(room, {join, ban}, base);
  Server ban_first(room, {ban, join}, base);
  EXPECT_EQ(join_first.f.current(room.roomId(), "m.room.member", kRemoteCharlie), ban.id);
  EXPECT_EQ(ban_first.f.current(room.roomId(), "m.room.member", kRemoteCharlie), ban.id);
}

TEST_P(EventPipelineForks, PowerLevelsChangedOnBothSidesOfAPartition) {
  PipelineFixture probe;
  RemoteRoom room = probe.remoteRoom(GetParam());
  const std::string base = room.last();
  // Alice (100, or a v12 creator) demotes Bob; Bob (50), not yet aware, promotes Charlie to
  // his own level.
  const std::string alice = GetParam() == "12" ? "" : "\"" + kRemoteAlice + "\":100,";
  const auto demote = room.state(kRemoteAlice, "m.room.power_levels", "",
                                 R"({"users":{)" + alice + "\"" + kRemoteBob + R"(":0}})",
                                 std::vector{base});
  const auto promote = room.state(kRemoteBob, "m.room.power_levels", "",
                                  R"({"users":{)" + alice + "\"" + kRemoteBob + R"(":50,")" +
                                      kRemoteCharlie + R"(":50}})",
                                  std::vector{base});
  Server a(room, {demote, promote}, base);
  Server b(room, {promote, demote}, base);
  // Alice outranks Bob: her change is applied first, and Bob's then fails on top of it.
  EXPECT_EQ(a.f.current(room.roomId(), "m.room.power_levels"), demote.id);
  EXPECT_EQ(b.f.current(room.roomId(), "m.room.power_levels"), demote.id);
}

INSTANTIATE_TEST_SUITE_P(RoomVersions, EventPipelineForks,
                         ::testing::Values("1", "2", "6", "9", "10", "11", "12"));

}  // namespace
}  // namespace hs::test
