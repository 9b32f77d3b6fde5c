// Room events over federation, end to end: tests/support/federation_sink.py (signedjson) sends
// transactions whose PDUs the test builds and signs with the sink's own key; Parley checks
// them in its event pipeline (signatures through the key ring, which fetches the sink's keys
// over TLS) and its clients see the accepted ones. Local events of a room with a member on
// the sink's server are queued to it in the event's own transaction.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <pqxx/pqxx>
#include <thread>

#include "homeserver/core/event_crypto.h"
#include "tests/support/federation_helpers.h"
#include "tests/support/federation_sink.h"
#include "tests/support/matrix_client.h"

namespace hs::test {
namespace {

class FederationPdus : public ::testing::Test {
 protected:
  void SetUp() override {
    p1_ = freeLoopbackPort();
    hs1_ = std::make_unique<TestServer>(federating(pki_, p1_));
    sink_ = std::make_unique<FederationSink>(pki_);
    alice_ = hs1_->registerUser("alice", "password123", "ALICEDEV");
    const auto r = hs1_->post("/_matrix/client/v3/createRoom", R"({"preset":"public_chat"})", alice_);
    room_ = r.json()["room_id"].GetString();
  }

  // The current state event of `type` and the room's one forward extremity, as stored.
  std::string stateId(const std::string& type) {
    pqxx::connection c(hs1_->dbUrl());
    pqxx::read_transaction tx(c);
    return tx.exec_params1("SELECT e.event_id FROM room_state s JOIN events e ON e.event_nid = s.event_nid "
                           "JOIN state_keys k ON k.key_nid = s.key_nid "
                           "WHERE s.room_id = $1 AND k.type = $2 AND k.state_key = $3",
                           room_, type, type == "m.room.member" ? sink_->user() : "")[0]
        .as<std::string>();
  }
  std::pair<std::string, int64_t> extremity() {
    pqxx::connection c(hs1_->dbUrl());
    pqxx::read_transaction tx(c);
    const auto r = tx.exec_params1("SELECT event_id, depth FROM room_extremities WHERE room_id = $1", room_);
    return {r[0].as<std::string>(), r[1].as<int64_t>()};
  }

  // A room v11 PDU by the sink's user on the room's extremity, hashed and signed by `key`.
  // Returns (event id, PDU JSON).
  std::pair<std::string, std::string> pdu(const std::string& type, const std::optional<std::string>& state_key,
                                          const std::string& content, const std::vector<std::string>& auth,
                                          const core::SigningKey& key) {
    const auto [prev, depth] = extremity();
    json::Writer w;
    w.startObject().key("auth_events").startArray();
    for (const auto& id : auth) {
      w.string(id);
    }
    w.endArray().key("content").raw(content).key("depth").integer(depth + 1);
    w.key("origin_server_ts").integer(1'700'000'000'000).key("prev_events").startArray().string(prev).endArray();
    w.key("room_id").string(room_).key("sender").string(sink_->user()).optString("state_key", state_key);
    w.key("type").string(type).endObject();
    auto doc = json::parseObject(w.take());
    core::addContentHash(doc);
    core::signEvent(doc, sink_->name(), key, "11");
    return {core::eventIdFor(doc, "11"), json::toString(doc)};
  }

  // The sink sends a transaction of these PDUs; returns "STATUS\nBODY".
  std::string sendPdus(const std::vector<std::string>& pdus) {
    std::string body = R"({"origin":")" + sink_->name() + R"(","origin_server_ts":1,"pdus":[)";
    for (size_t i = 0; i < pdus.size(); ++i) {
      body += (i ? "," : "") + pdus[i];
    }
    return sink_->send(fedName(p1_), "PUT", "/_matrix/federation/v1/send/t" + std::to_string(++txn_), body + "]}");
  }

  std::string joinSink() {
    const auto [id, json] = pdu("m.room.member", sink_->user(), R"({"membership":"join"})",
                                {stateId("m.room.create"), stateId("m.room.power_levels"),
                                 stateId("m.room.join_rules")},
                                sink_->key());
    EXPECT_EQ(sendPdus({json}), "200\n{\"pdus\":{\"" + id + "\":{}}}\n");
    return id;
  }

  TestPki pki_;
  int p1_ = 0;
  int txn_ = 0;
  std::unique_ptr<TestServer> hs1_;
  std::unique_ptr<FederationSink> sink_;
  std::string alice_;
  std::string room_;
};

TEST_F(FederationPdus, ARemoteJoinAndMessageReachLocalClients) {
  const std::string join = joinSink();
  const auto members = hs1_->get("/_matrix/client/v3/rooms/" + room_ + "/joined_members", alice_).json();
  EXPECT_TRUE(members["joined"].HasMember(sink_->user().c_str())) << json::toString(members);
  const auto [id, json] = pdu("m.room.message", std::nullopt, R"({"msgtype":"m.text","body":"from afar"})",
                              {stateId("m.room.create"), stateId("m.room.power_levels"), join}, sink_->key());
  EXPECT_EQ(sendPdus({json}), "200\n{\"pdus\":{\"" + id + "\":{}}}\n");
  const auto page = hs1_->get("/_matrix/client/v3/rooms/" + room_ + "/messages?dir=b&limit=1", alice_).json();
  ASSERT_EQ(page["chunk"].Size(), 1u);
  EXPECT_EQ(std::string(page["chunk"][0]["event_id"].GetString()), id);
  EXPECT_EQ(std::string(page["chunk"][0]["content"]["body"].GetString()), "from afar");
}

// A remote event runs the after-commit work of a local one: it wakes the members' long-polls.
TEST_F(FederationPdus, ARemoteEventWakesALocalLongPoll) {
  const std::string join = joinSink();
  const std::string since = hs1_->get("/_matrix/client/v3/sync", alice_).json()["next_batch"].GetString();
  auto pending = std::async(std::launch::async, [&] {
    const auto start = std::chrono::steady_clock::now();
    auto r = hs1_->get("/_matrix/client/v3/sync?timeout=20000&since=" + enc(since), alice_);
    return std::make_pair(std::move(r), std::chrono::steady_clock::now() - start);
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  const auto [id, json] = pdu("m.room.message", std::nullopt, R"({"msgtype":"m.text","body":"wake"})",
                              {stateId("m.room.create"), stateId("m.room.power_levels"), join}, sink_->key());
  EXPECT_EQ(sendPdus({json}), "200\n{\"pdus\":{\"" + id + "\":{}}}\n");
  const auto [result, elapsed] = pending.get();
  EXPECT_LT(elapsed, std::chrono::seconds(10)) << "the long-poll waited for its timeout";
  const auto doc = result.json();
  ASSERT_TRUE(doc["rooms"]["join"].HasMember(room_.c_str())) << result.body;
  const auto& events = doc["rooms"]["join"][room_.c_str()]["timeline"]["events"];
  ASSERT_EQ(events.Size(), 1u) << result.body;
  EXPECT_EQ(std::string(events[0]["event_id"].GetString()), id);
}

TEST_F(FederationPdus, RefusedPdusAreAnsweredWithTheirReasons) {
  const auto stranger = core::SigningKey::fromSeed("sink", std::string(32, 'x'));  // not the sink's key
  const auto [forged, forged_json] =
      pdu("m.room.member", sink_->user(), R"({"membership":"join"})",
          {stateId("m.room.create"), stateId("m.room.power_levels"), stateId("m.room.join_rules")}, stranger);
  // Not joined: the sink's user may not speak, by the message's own auth events.
  const auto [unauthorized, unauthorized_json] =
      pdu("m.room.message", std::nullopt, R"({"msgtype":"m.text","body":"x"})",
          {stateId("m.room.create"), stateId("m.room.power_levels")}, sink_->key());
  const std::string answer = sendPdus({forged_json, unauthorized_json});
  ASSERT_EQ(answer.substr(0, 4), "200\n") << answer;
  const auto doc = json::parseObject(answer.substr(4));
  const auto pdus = doc["pdus"].GetObject();
  ASSERT_TRUE(pdus.HasMember(forged.c_str())) << answer;
  EXPECT_NE(std::string(pdus[forged.c_str()]["error"].GetString()).find("not validly signed"), std::string::npos);
  ASSERT_TRUE(pdus.HasMember(unauthorized.c_str())) << answer;
  EXPECT_NE(std::string(pdus[unauthorized.c_str()]["error"].GetString()).find("Rejected"), std::string::npos);
  const auto members = hs1_->get("/_matrix/client/v3/rooms/" + room_ + "/joined_members", alice_).json();
  EXPECT_FALSE(members["joined"].HasMember(sink_->user().c_str()));
}

TEST_F(FederationPdus, LocalEventsGoToTheRemoteMembersServer) {
  joinSink();
  const auto sent = hs1_->put("/_matrix/client/v3/rooms/" + room_ + "/send/m.room.message/t1",
                              R"({"msgtype":"m.text","body":"to the sink"})", alice_);
  const std::string event = sent.json()["event_id"].GetString();
  const auto records = sink_->waitFor([&event](const json::Value& r) {
    if (!r.HasMember("body") || !r["body"].HasMember("pdus")) {
      return false;
    }
    for (const auto& p : r["body"]["pdus"].GetArray()) {
      if (core::eventIdFor(p, "11") == event) {
        return true;
      }
    }
    return false;
  });
  for (const auto& r : records) {
    EXPECT_FALSE(r.HasMember("refused")) << json::toString(r);  // every signature verified
  }
}

}  // namespace
}  // namespace hs::test
