// History through the EventPipeline: outliers that join the timeline later, backfilled pages
// that /messages serves in topological order, many events arriving in reverse order, and the
// bulk import of a room's state.
#include <gtest/gtest.h>

#include "tests/db/pipeline_fixture.h"

namespace hs::test {
namespace {

using rooms::EventOrigin;
using rooms::PduStatus;

class EventPipelineHistory : public ::testing::TestWithParam<std::string> {
 protected:
  PipelineFixture f;
};

TEST_P(EventPipelineHistory, AnOutlierJoinsTheTimelineLater) {
  RemoteRoom room = f.remoteRoom(GetParam());
  f.join(room);
  const auto m = room.message(kRemoteAlice, "fetched on its own first");
  const auto outlier = f.receive(room, m.json, EventOrigin::kOutlier);
  EXPECT_EQ(outlier.status, PduStatus::kAccepted) << outlier.reason;
  EXPECT_TRUE(f.timeline(room.roomId()).back() != m.id);
  EXPECT_FALSE(f.store.eventById(m.id).has_value());  // no stream position: no client sees it
  EXPECT_EQ(f.receive(room, m.json, EventOrigin::kOutlier).status, PduStatus::kDuplicate);
  const auto joined = f.receive(room, m.json, EventOrigin::kRemote);
  EXPECT_EQ(joined.status, PduStatus::kAccepted) << joined.reason;
  EXPECT_EQ(f.timeline(room.roomId()).back(), m.id);
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{m.id});
  EXPECT_EQ(f.receive(room, m.json, EventOrigin::kRemote).status, PduStatus::kDuplicate);
}

TEST_P(EventPipelineHistory, ABackfilledPageIsServedInOrderByMessages) {
  RemoteRoom room = f.remoteRoom(GetParam());
  const std::string before_history = room.last();
  std::vector<BuiltPdu> history;
  for (int i = 1; i <= 5; ++i) {
    history.push_back(room.message(kRemoteAlice, "old " + std::to_string(i)));
  }
  f.join(room);  // our timeline starts at our join, after the history
  const auto live = room.message(kRemoteAlice, "live");
  ASSERT_EQ(f.receive(room, live.json).status, PduStatus::kAccepted);
  // /backfill answers newest first; the page's oldest event follows one we do not have.
  std::vector<std::string> page;
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    page.push_back(it->json);
  }
  const auto results = f.pipeline.receiveAll(room.roomId(), page, EventOrigin::kBackfilled,
                                             PipelineFixture::stateAt(room, before_history));
  for (const auto& r : results) {
    EXPECT_EQ(r.status, PduStatus::kAccepted) << r.reason;
  }
  EXPECT_EQ(f.timeline(room.roomId()).size(), 2u);  // /sync follows the stream: no old events
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{live.id});
  const auto messages = f.reader.messages(kLocalMe, room.roomId(), std::nullopt, std::nullopt, true,
                                          20, false);
  std::vector<std::string> got;
  for (const auto& e : messages.chunk) {
    got.push_back(e.event_id);
  }
  std::vector<std::string> want{live.id, room.stateAfter(live.id).at({"m.room.member", kLocalMe})};
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    want.push_back(it->id);
  }
  EXPECT_EQ(got, want);
  EXPECT_FALSE(messages.end.has_value());
  // Paging two at a time walks the same order.
  std::vector<std::string> paged;
  std::optional<streams::TimelineToken> from;
  for (int i = 0; i < 10; ++i) {
    const auto p = f.reader.messages(kLocalMe, room.roomId(), from, std::nullopt, true, 2, false);
    for (const auto& e : p.chunk) {
      paged.push_back(e.event_id);
    }
    if (!p.end) {
      break;
    }
    from = p.end;
  }
  EXPECT_EQ(paged, want);
}

TEST_P(EventPipelineHistory, AThousandEventsInReverseOrder) {
  RemoteRoom room = f.remoteRoom(GetParam());
  f.join(room);
  std::vector<BuiltPdu> built;
  for (int i = 0; i < 1000; ++i) {
    built.push_back(room.message(i % 2 ? kRemoteAlice : kRemoteBob, "m" + std::to_string(i)));
  }
  std::vector<std::string> reversed;
  for (auto it = built.rbegin(); it != built.rend(); ++it) {
    reversed.push_back(it->json);
  }
  const auto results = f.pipeline.receiveAll(room.roomId(), reversed, EventOrigin::kRemote);
  for (const auto& r : results) {
    ASSERT_EQ(r.status, PduStatus::kAccepted) << r.reason;
  }
  const auto timeline = f.timeline(room.roomId());
  ASSERT_EQ(timeline.size(), 1001u);  // our join, then the thousand in their DAG order
  for (size_t i = 0; i < built.size(); ++i) {
    EXPECT_EQ(timeline[i + 1], built[i].id);
  }
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{built.back().id});
}

TEST_P(EventPipelineHistory, ImportingAStateSetsTheRoomsMembersAndState) {
  RemoteRoom room = f.remoteRoom(GetParam());
  f.importAt(room, room.last());
  const auto members = f.store.members(room.roomId());
  ASSERT_EQ(members.size(), 2u);
  EXPECT_EQ(members[0].user_id, kRemoteAlice);
  EXPECT_EQ(members[1].membership, "join");
  EXPECT_EQ(f.current(room.roomId(), "m.room.join_rules"),
            room.stateAfter(room.last()).at({"m.room.join_rules", ""}));
  EXPECT_TRUE(f.timeline(room.roomId()).empty());  // state, not timeline
  // The imported state became current at the import's position: a /sync with a gap sees it.
  EXPECT_EQ(f.store.stateChangedBetween(room.roomId(), 0, f.stream.safePosition()).size(),
            room.stateAfter(room.last()).size());
  // Importing again (a second join) stores nothing twice and keeps the state.
  f.importAt(room, room.last());
  EXPECT_EQ(f.store.members(room.roomId()).size(), 2u);
}

TEST_P(EventPipelineHistory, AnImportWithAnIncompleteAuthChainStoresNothing) {
  RemoteRoom room = f.remoteRoom(GetParam());
  auto chain = room.authChainPdus(room.last());
  auto state = room.statePdus(room.last());
  // Drop the create event from both lists: everything cites it.
  const auto create_pdu = room.json(room.stateAfter(room.last()).at({"m.room.create", ""}));
  std::erase(chain, create_pdu);
  std::erase(state, create_pdu);
  const auto r = f.pipeline.importRoom({room.roomId(), room.version(), state, chain});
  EXPECT_FALSE(r.imported);
  EXPECT_FALSE(f.store.room(room.roomId()).has_value());
}

INSTANTIATE_TEST_SUITE_P(RoomVersions, EventPipelineHistory,
                         ::testing::Values("1", "3", "5", "8", "10", "11", "12"));

}  // namespace
}  // namespace hs::test
