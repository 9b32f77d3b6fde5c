// The checks on receipt of a PDU (ALGORITHMS §13) through the EventPipeline against a real
// PostgreSQL: rejected, soft-failed, wrong content hash, wrong signature, duplicates, and
// events the pipeline must report as missing rather than fetch.
#include <gtest/gtest.h>

#include "homeserver/core/event_crypto.h"
#include "tests/db/pipeline_fixture.h"

namespace hs::test {
namespace {

using rooms::EventOrigin;
using rooms::PduStatus;

bool contains(const std::vector<std::string>& ids, const std::string& id) {
  return std::find(ids.begin(), ids.end(), id) != ids.end();
}

class EventPipelineChecks : public ::testing::TestWithParam<std::string> {
 protected:
  PipelineFixture f;
  RemoteRoom room = f.remoteRoom(GetParam());
  void SetUp() override { f.join(room); }
};

TEST_P(EventPipelineChecks, AcceptsAnEventOnTheLatestAndMakesItTheExtremity) {
  const auto m = room.message(kRemoteAlice, "hello");
  const auto r = f.receive(room, m.json);
  EXPECT_EQ(r.status, PduStatus::kAccepted) << r.reason;
  EXPECT_EQ(r.event_id, m.id);
  EXPECT_EQ(f.timeline(room.roomId()).back(), m.id);
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{m.id});
  EXPECT_EQ(f.receive(room, m.json).status, PduStatus::kDuplicate);
}

TEST_P(EventPipelineChecks, RejectsAnEventItsOwnAuthEventsDoNotAllow) {
  const std::string before = room.last();
  // Charlie never joined: his message fails rule 5 against its own auth events.
  const auto m = room.message(kRemoteCharlie, "let me in");
  const auto r = f.receive(room, m.json);
  EXPECT_EQ(r.status, PduStatus::kRejected);
  EXPECT_NE(r.reason.find("auth events"), std::string::npos) << r.reason;
  EXPECT_FALSE(contains(f.timeline(room.roomId()), m.id));
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{before});
  EXPECT_FALSE(f.store.eventById(m.id).has_value());
  EXPECT_EQ(f.receive(room, m.json).status, PduStatus::kDuplicate);  // stored, not fetched again
}

TEST_P(EventPipelineChecks, SoftFailsAnEventTheCurrentStateDoesNotAllow) {
  const std::string before_ban = room.last();
  const auto ban = room.member(kRemoteAlice, kRemoteBob, "ban");
  ASSERT_EQ(f.receive(room, ban.json).status, PduStatus::kAccepted);
  // Bob speaks on the event before his ban: allowed there, not by the current state.
  const auto evading = room.message(kRemoteBob, "still here", std::vector<std::string>{before_ban});
  const auto r = f.receive(room, evading.json);
  EXPECT_EQ(r.status, PduStatus::kSoftFailed) << r.reason;
  EXPECT_FALSE(contains(f.timeline(room.roomId()), evading.id));  // not in /sync
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{ban.id});
  EXPECT_EQ(f.current(room.roomId(), "m.room.member", kRemoteBob), ban.id);
}

TEST_P(EventPipelineChecks, StoresTheRedactedFormWhenTheContentHashIsWrong) {
  const auto m = room.message(kRemoteAlice, "original");
  const auto r = f.receive(room, tamperBody(m.json, "changed in transit"));
  EXPECT_EQ(r.status, PduStatus::kAccepted) << r.reason;
  EXPECT_TRUE(r.redacted);
  EXPECT_EQ(r.event_id, m.id);  // the reference hash covers the redacted form only
  const auto stored = f.store.eventById(m.id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_NE(stored->client_json.find(R"("content":{})"), std::string::npos) << stored->client_json;
  EXPECT_EQ(stored->client_json.find("transit"), std::string::npos);
}

TEST_P(EventPipelineChecks, DropsAnEventWithAWrongSignature) {
  const auto impostor = core::SigningKey::generate("remote");  // same key id, other key
  const auto m = room.message(kRemoteAlice, "genuine");
  // The same event, re-signed by the impostor key.
  auto doc = json::parseObject(m.json);
  doc.RemoveMember("signatures");
  core::signEvent(doc, "remote.test", impostor, GetParam());
  const auto r = f.receive(room, json::toString(doc));
  EXPECT_EQ(r.status, PduStatus::kDropped);
  EXPECT_NE(r.reason.find("not validly signed"), std::string::npos) << r.reason;
  EXPECT_FALSE(contains(f.timeline(room.roomId()), m.id));
  EXPECT_EQ(f.receive(room, m.json).status, PduStatus::kAccepted);  // the genuine one is fine
}

TEST_P(EventPipelineChecks, DropsAnEventOfAnotherRoomOrMalformed) {
  const auto m = room.message(kRemoteAlice, "x");
  EXPECT_EQ(f.pipeline.receive("!other:remote.test", m.json, EventOrigin::kRemote).status,
            PduStatus::kUnknownRoom);
  EXPECT_EQ(f.receive(room, R"({"type":"m.room.message"})").status, PduStatus::kDropped);
  EXPECT_EQ(f.receive(room, "not json").status, PduStatus::kDropped);
}

TEST_P(EventPipelineChecks, ReportsMissingPrevAndAuthEventsInsteadOfFetchingThem) {
  const auto gap = room.message(kRemoteAlice, "we never got this one");
  const auto next = room.message(kRemoteAlice, "but this one");
  const auto r = f.receive(room, next.json);
  EXPECT_EQ(r.status, PduStatus::kMissing);
  EXPECT_EQ(r.missing_prev_events, std::vector<std::string>{gap.id});
  EXPECT_FALSE(contains(f.timeline(room.roomId()), next.id));
  // Once the gap is filled (get_missing_events), the event goes through.
  EXPECT_EQ(f.receive(room, gap.json).status, PduStatus::kAccepted);
  EXPECT_EQ(f.receive(room, next.json).status, PduStatus::kAccepted);
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{next.id});
}

TEST_P(EventPipelineChecks, LocalSendsBuildOnRemoteEvents) {
  const auto m = room.message(kRemoteAlice, "over to you");
  ASSERT_EQ(f.receive(room, m.json).status, PduStatus::kAccepted);
  auto batch = f.pipeline.open(room.roomId());
  const auto sent = batch.appendLocal(
      rooms::EventDraft{kLocalMe, "m.room.message", std::nullopt, R"({"msgtype":"m.text","body":"hi"})",
                        std::nullopt});
  batch.commit();
  EXPECT_EQ(f.extremities(room.roomId()), std::vector<std::string>{sent.event_id});
  const auto stored = f.store.eventById(sent.event_id);
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->depth, room.event(m.id).depth + 1);
}

INSTANTIATE_TEST_SUITE_P(RoomVersions, EventPipelineChecks,
                         ::testing::Values("1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "11", "12"));

}  // namespace
}  // namespace hs::test
