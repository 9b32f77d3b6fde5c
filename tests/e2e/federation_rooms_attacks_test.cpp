// Attacks on the room handshakes and reads of issue 15, each refused with nothing stored: a
// send_join of something that is not a join, a join or invite whose sender is not of the asking
// server, an invite with a forged signature, and reads of a room's history by a server with no
// member in it. The test plays hs2 (its own signing key) against a real hs1, and hs1 against hs2.
#include <gtest/gtest.h>

#include "homeserver/core/event_crypto.h"
#include "tests/support/federation_helpers.h"
#include "tests/support/matrix_client.h"

namespace hs::test {
namespace {

class FederatedRoomAttacks : public FederatingPair {
 protected:
  void SetUp() override {
    FederatingPair::SetUp();
    k1_ = std::make_unique<core::SigningKey>(core::SigningKey::loadFile(hs1_->signingKeyPath()));
    k2_ = std::make_unique<core::SigningKey>(core::SigningKey::loadFile(hs2_->signingKeyPath()));
    alice_ = hs1_->registerUser("alice", "password123", "ALICEDEV");
    bob_ = hs2_->registerUser("bob", "password123", "BOBDEV");
    room_ = createRoom(*hs1_, alice_, R"({"preset":"public_chat"})");
  }
  std::string alice() const { return "@alice:" + fedName(p1_); }
  std::string bob() const { return "@bob:" + fedName(p2_); }

  HttpResult asHs2(const std::string& method, const std::string& target, const std::string& body = "") {
    return signedRequest(*hs1_, *k2_, fedName(p2_), {method, target, body}, pki_.caFile());
  }
  HttpResult asHs1(const std::string& method, const std::string& target, const std::string& body = "") {
    return signedRequest(*hs2_, *k1_, fedName(p1_), {method, target, body}, pki_.caFile());
  }

  // A room v11 event on hs1's room (prev: its newest event), hashed and signed as `server`.
  std::pair<std::string, std::string> event(const std::string& type, const std::string& sender,
                                            const std::optional<std::string>& state_key, const std::string& content,
                                            const std::string& server, const core::SigningKey& key) {
    const auto page = hs1_->get(kV3 + "/rooms/" + enc(room_) + "/messages?dir=b&limit=1", alice_).json();
    const std::string prev = page["chunk"][0]["event_id"].GetString();
    json::Writer w;
    w.startObject().key("auth_events").startArray().endArray().key("content").raw(content).key("depth").integer(100);
    w.key("origin_server_ts").integer(1'700'000'000'000).key("prev_events").startArray().string(prev).endArray();
    w.key("room_id").string(room_).key("sender").string(sender).optString("state_key", state_key);
    w.key("type").string(type).endObject();
    auto doc = json::parseObject(w.take());
    core::addContentHash(doc);
    core::signEvent(doc, server, key, "11");
    return {core::eventIdFor(doc, "11"), json::toString(doc)};
  }
  int64_t storedOnHs1(const std::string& event_id) {
    return queryCount(hs1_->dbUrl(), "SELECT count(*) FROM events WHERE event_id = '" + event_id + "'");
  }

  std::unique_ptr<core::SigningKey> k1_, k2_;
  std::string alice_, bob_, room_;
};

TEST_F(FederatedRoomAttacks, SendJoinOfSomethingElseIsRefused) {
  const auto [id, pdu] = event("m.room.message", bob(), std::nullopt, R"({"msgtype":"m.text","body":"x"})",
                               fedName(p2_), *k2_);
  const auto r = asHs2("PUT", "/_matrix/federation/v2/send_join/" + enc(room_) + "/" + enc(id), pdu);
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(errcode(r), "M_BAD_JSON");
  EXPECT_EQ(storedOnHs1(id), 0);
  const auto [leave_id, leave] = event("m.room.member", bob(), bob(), R"({"membership":"leave"})", fedName(p2_), *k2_);
  EXPECT_EQ(asHs2("PUT", "/_matrix/federation/v2/send_join/" + enc(room_) + "/" + enc(leave_id), leave).status, 400);
  EXPECT_EQ(storedOnHs1(leave_id), 0);
}

TEST_F(FederatedRoomAttacks, JoinsForUsersOfAnotherServerAreRefused) {
  const std::string carol = "@carol:elsewhere.example";
  EXPECT_EQ(asHs2("GET", "/_matrix/federation/v1/make_join/" + enc(room_) + "/" + enc(carol) + "?ver=11").status, 403);
  const auto [id, pdu] = event("m.room.member", carol, carol, R"({"membership":"join"})", fedName(p2_), *k2_);
  const auto r = asHs2("PUT", "/_matrix/federation/v2/send_join/" + enc(room_) + "/" + enc(id), pdu);
  EXPECT_EQ(r.status, 403) << r.body;
  EXPECT_EQ(storedOnHs1(id), 0);
}

TEST_F(FederatedRoomAttacks, ForgedOrMisattributedInvitesAreRefused) {
  const auto invite = [&](const std::string& sender, const core::SigningKey& key) {
    const auto [id, pdu] = event("m.room.member", sender, bob(), R"({"membership":"invite"})", fedName(p1_), key);
    const std::string body = R"({"room_version":"11","event":)" + pdu + R"(,"invite_room_state":[]})";
    return asHs1("PUT", "/_matrix/federation/v2/invite/" + enc(room_) + "/" + enc(id), body);
  };
  // Signed under hs1's key ID with another key.
  const auto forged = invite(alice(), core::SigningKey::fromSeed(k1_->version(), std::string(32, 'f')));
  EXPECT_EQ(forged.status, 403) << forged.body;
  const auto misattributed = invite("@mallory:elsewhere.example", *k1_);
  EXPECT_EQ(misattributed.status, 403) << misattributed.body;
  EXPECT_EQ(queryCount(hs2_->dbUrl(), "SELECT count(*) FROM remote_invites"), 0);
  EXPECT_EQ(queryCount(hs2_->dbUrl(), "SELECT count(*) FROM room_members"), 0);
}

TEST_F(FederatedRoomAttacks, HistoryIsReadOnlyByServersWithAMember) {
  const std::string private_room = createRoom(*hs1_, alice_, R"({"preset":"private_chat"})");
  const auto page = hs1_->get(kV3 + "/rooms/" + enc(private_room) + "/messages?dir=b&limit=1", alice_).json();
  const std::string last = page["chunk"][0]["event_id"].GetString();
  const std::string reads[] = {
      "/_matrix/federation/v1/event/" + enc(last),
      "/_matrix/federation/v1/state_ids/" + enc(private_room) + "?event_id=" + enc(last),
      "/_matrix/federation/v1/state/" + enc(private_room) + "?event_id=" + enc(last),
      "/_matrix/federation/v1/event_auth/" + enc(private_room) + "/" + enc(last),
      "/_matrix/federation/v1/backfill/" + enc(private_room) + "?v=" + enc(last) + "&limit=10"};
  for (const auto& target : reads) {
    const auto r = asHs2("GET", target);
    EXPECT_EQ(r.status, 403) << target << " " << r.body;
    EXPECT_EQ(errcode(r), "M_FORBIDDEN") << target;
  }
  const auto gme = asHs2("POST", "/_matrix/federation/v1/get_missing_events/" + enc(private_room),
                         R"({"earliest_events":[],"latest_events":[")" + last + R"("],"limit":10})");
  EXPECT_EQ(gme.status, 403) << gme.body;

  // Once bob of hs2 is in the room, the same reads are answered.
  invite(*hs1_, alice_, private_room, bob());
  ASSERT_EQ(hs2_->post(kV3 + "/join/" + enc(private_room), "{}", bob_).status, 200);
  const auto ids = asHs2("GET", reads[1]);
  ASSERT_EQ(ids.status, 200) << ids.body;
  EXPECT_GE(ids.json()["pdu_ids"].Size(), 4u);
  const auto one = asHs2("GET", reads[0]);
  ASSERT_EQ(one.status, 200) << one.body;
  ASSERT_EQ(one.json()["pdus"].Size(), 1u);
  EXPECT_EQ(core::eventIdFor(one.json()["pdus"][0], "11"), last);
  const auto back = asHs2("GET", reads[4]);
  ASSERT_EQ(back.status, 200) << back.body;
  EXPECT_GE(back.json()["pdus"].Size(), 5u);  // the create event and the room's first state
  EXPECT_EQ(asHs2("GET", reads[3]).status, 200);
}

}  // namespace
}  // namespace hs::test
