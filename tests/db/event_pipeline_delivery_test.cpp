// What reaches clients through the EventPipeline: rejected events are stored and served
// nowhere (state, timeline, /event, /context, redactions), soft-failed events are stored and
// not delivered, and the after-commit work runs once for every event entering the timeline,
// local or remote, and for nothing else.
#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"
#include "tests/db/pipeline_fixture.h"

namespace hs::test {
namespace {

using rooms::EventOrigin;
using rooms::PduStatus;

// What the after-commit hooks and the in-transaction writers were given.
struct Delivered {
  std::vector<std::string> event_hook;    // notifications, push, unread counts
  std::vector<std::string> sent_hook;     // media links
  std::vector<std::string> in_transaction;  // the federation outbox's view: timeline events only

  explicit Delivered(rooms::EventPipeline& pipeline) {
    pipeline.setEventHook([this](const std::vector<rooms::StoredEvent>& events, const rooms::RoomFacts&) {
      for (const auto& e : events) {
        event_hook.push_back(e.event_id);
      }
    });
    pipeline.setEventSentHook([this](const std::string& event_id, const std::string&, const std::string&) {
      sent_hook.push_back(event_id);
    });
    pipeline.addInTransactionWriter(
        [this](rooms::TransactionHandle&, const rooms::RoomInfo&, const std::vector<rooms::PersistedEvent>& events) {
          for (const auto& e : events) {
            if (e.in_timeline) {
              in_transaction.push_back(e.event.event_id);
            }
          }
        });
  }
};

class EventPipelineDelivery : public ::testing::TestWithParam<std::string> {
 protected:
  PipelineFixture f;

  // The ids /messages serves the local member, newest first.
  std::vector<std::string> messages(const std::string& room_id) {
    std::vector<std::string> ids;
    for (const auto& e : f.reader.messages(kLocalMe, room_id, std::nullopt, std::nullopt, true, 100, false).chunk) {
      ids.push_back(e.event_id);
    }
    return ids;
  }

  // M_NOT_FOUND from /event and from /context.
  void expectNotServed(const std::string& room_id, const std::string& event_id) {
    for (int endpoint = 0; endpoint < 2; ++endpoint) {
      try {
        if (endpoint == 0) {
          f.reader.eventOrNotFound(kLocalMe, room_id, event_id);
        } else {
          f.reader.context(kLocalMe, room_id, event_id, 10);
        }
        ADD_FAILURE() << event_id << " served by " << (endpoint == 0 ? "/event" : "/context");
      } catch (const core::MatrixError& e) {
        EXPECT_EQ(e.code(), core::ErrCode::NotFound) << e.what();
      }
    }
  }
};

TEST_P(EventPipelineDelivery, ARejectedEventIsServedNowhere) {
  RemoteRoom room = f.remoteRoom(GetParam());
  f.join(room);
  const auto m = room.message(kRemoteAlice, "keep me");
  ASSERT_EQ(f.receive(room, m.json).status, PduStatus::kAccepted);
  const int64_t before_position = f.stream.safePosition();
  // Charlie never joined: his topic and his redaction of Alice's message fail against their own
  // auth events.
  const auto topic = room.state(kRemoteCharlie, "m.room.topic", "", R"({"topic":"hijacked"})", std::vector{m.id});
  const auto redaction = room.send(
      rooms::EventDraft{kRemoteCharlie, "m.room.redaction", std::nullopt, R"({"redacts":")" + m.id + "\"}", m.id},
      std::vector{m.id});
  for (const auto* pdu : {&topic, &redaction}) {
    const auto r = f.receive(room, pdu->json);
    EXPECT_EQ(r.status, PduStatus::kRejected) << r.reason;
    EXPECT_EQ(f.receive(room, pdu->json).status, PduStatus::kDuplicate);  // stored: not fetched again
    EXPECT_FALSE(contains(f.timeline(room.roomId()), pdu->id));           // not in /sync
    EXPECT_FALSE(contains(messages(room.roomId()), pdu->id));             // not in /messages
    expectNotServed(room.roomId(), pdu->id);
  }
  EXPECT_EQ(f.current(room.roomId(), "m.room.topic"), "");  // not state
  EXPECT_TRUE(f.store.stateChangedBetween(room.roomId(), before_position, f.stream.safePosition()).empty());
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{m.id});  // nobody's prev_event
  // The redaction was not applied: Alice's message is served whole.
  EXPECT_NE(f.reader.eventOrNotFound(kLocalMe, room.roomId(), m.id).client_json.find("keep me"), std::string::npos);
  EXPECT_EQ(f.reader.context(kLocalMe, room.roomId(), m.id, 10).event.event_id, m.id);
}

TEST_P(EventPipelineDelivery, ASoftFailedEventIsStoredButNotDelivered) {
  RemoteRoom room = f.remoteRoom(GetParam());
  f.join(room);
  Delivered delivered(f.pipeline);
  const std::string before_ban = room.last();
  const auto ban = room.member(kRemoteAlice, kRemoteBob, "ban");
  ASSERT_EQ(f.receive(room, ban.json).status, PduStatus::kAccepted);
  const auto evading = room.message(kRemoteBob, "still here", std::vector<std::string>{before_ban});
  ASSERT_EQ(f.receive(room, evading.json).status, PduStatus::kSoftFailed);
  EXPECT_EQ(f.receive(room, evading.json).status, PduStatus::kDuplicate);  // stored
  EXPECT_FALSE(contains(f.timeline(room.roomId()), evading.id));
  EXPECT_FALSE(contains(messages(room.roomId()), evading.id));
  expectNotServed(room.roomId(), evading.id);
  EXPECT_EQ(delivered.event_hook, std::vector<std::string>{ban.id});  // nobody notified of it
  EXPECT_EQ(delivered.sent_hook, std::vector<std::string>{ban.id});
  EXPECT_EQ(delivered.in_transaction, std::vector<std::string>{ban.id});
  // Not a forward extremity: the next local event cites the ban alone.
  auto batch = f.pipeline.open(room.roomId());
  const auto mine = batch.appendLocal(
      rooms::EventDraft{kLocalMe, "m.room.message", std::nullopt, R"({"msgtype":"m.text","body":"hi"})", std::nullopt});
  batch.commit();
  EXPECT_EQ(f.store.eventById(mine.event_id)->depth, room.event(ban.id).depth + 1);
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{mine.event_id});
}

// Remote, outlier-turned-timeline and local events each get the after-commit work once;
// duplicates, outliers, rejected and soft-failed events none; backfilled history wakes nobody
// (it is older than what clients have) but its media is linked.
TEST_P(EventPipelineDelivery, AfterCommitWorkRunsOnceForEveryEventEnteringTheTimeline) {
  RemoteRoom room = f.remoteRoom(GetParam());
  const std::string before_history = room.last();
  const auto old = room.message(kRemoteAlice, "old");
  f.join(room);
  Delivered delivered(f.pipeline);
  const auto remote = room.message(kRemoteAlice, "remote");
  ASSERT_EQ(f.receive(room, remote.json).status, PduStatus::kAccepted);
  ASSERT_EQ(f.receive(room, remote.json).status, PduStatus::kDuplicate);
  const auto fetched = room.message(kRemoteAlice, "fetched alone first");
  ASSERT_EQ(f.receive(room, fetched.json, EventOrigin::kOutlier).status, PduStatus::kAccepted);
  EXPECT_TRUE(delivered.event_hook.size() == 1 && delivered.sent_hook.size() == 1);
  ASSERT_EQ(f.receive(room, fetched.json).status, PduStatus::kAccepted);
  const auto rejected = room.message(kRemoteCharlie, "not a member", std::vector{fetched.id});
  ASSERT_EQ(f.receive(room, rejected.json).status, PduStatus::kRejected);
  const auto ban = room.member(kRemoteAlice, kRemoteBob, "ban", std::vector{fetched.id});
  ASSERT_EQ(f.receive(room, ban.json).status, PduStatus::kAccepted);
  const auto evading = room.message(kRemoteBob, "evading", std::vector{fetched.id});
  ASSERT_EQ(f.receive(room, evading.json).status, PduStatus::kSoftFailed);
  const auto backfilled = f.receive(room, old.json, EventOrigin::kBackfilled, PipelineFixture::stateAt(room, before_history));
  ASSERT_EQ(backfilled.status, PduStatus::kAccepted) << backfilled.reason;
  auto batch = f.pipeline.open(room.roomId());
  const std::string local =
      batch.appendLocal(rooms::EventDraft{kLocalMe, "m.room.message", std::nullopt,
                                          R"({"msgtype":"m.text","body":"local"})", std::nullopt})
          .event_id;
  batch.commit();
  EXPECT_EQ(delivered.event_hook, (std::vector<std::string>{remote.id, fetched.id, ban.id, local}));
  EXPECT_EQ(delivered.sent_hook, (std::vector<std::string>{remote.id, fetched.id, ban.id, old.id, local}));
  EXPECT_EQ(delivered.in_transaction, (std::vector<std::string>{remote.id, fetched.id, ban.id, old.id, local}));
}

INSTANTIATE_TEST_SUITE_P(RoomVersions, EventPipelineDelivery,
                         ::testing::Values("1", "3", "6", "8", "10", "11", "12"));

}  // namespace
}  // namespace hs::test
