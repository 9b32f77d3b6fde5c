// EDUs to and from another implementation: tests/support/federation_sink.py, a federation peer
// built on Debian's python3-signedjson, checks every X-Matrix signature and key response Parley
// sends, and signs what it sends Parley with its own code. The sink's user is made a member of
// a local room (the federated join is a later issue), so room-scoped EDUs go to it.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <thread>

#include "homeserver/core/base64.h"
#include "homeserver/core/random.h"
#include "tests/support/federation_helpers.h"
#include "tests/support/federation_sink.h"
#include "tests/support/sinks.h"

namespace hs::test {
namespace {

// The EDU of `type` in a recorded transaction, or null.
const json::Value* eduOf(const json::Value& record, const std::string& type) {
  if (!record.HasMember("body")) {
    return nullptr;
  }
  for (const auto& e : record["body"]["edus"].GetArray()) {
    if (e["edu_type"].GetString() == type) {
      return &e["content"];
    }
  }
  return nullptr;
}

// Every EDU of `type` in the recorded transactions.
std::vector<const json::Value*> edusOf(const std::vector<json::Document>& records, const std::string& type) {
  std::vector<const json::Value*> out;
  for (const auto& r : records) {
    if (!r.HasMember("body")) {
      continue;
    }
    for (const auto& e : r["body"]["edus"].GetArray()) {
      if (e["edu_type"].GetString() == type) {
        out.push_back(&e["content"]);
      }
    }
  }
  return out;
}

class FederationEdus : public ::testing::Test {
 protected:
  void SetUp() override {
    p1_ = freeLoopbackPort();
    hs1_ = std::make_unique<TestServer>(federating(pki_, p1_));
    sink_ = std::make_unique<FederationSink>(pki_);
    alice_ = hs1_->registerUser("alice", "password123", "ALICEDEV");
    const auto r = hs1_->post("/_matrix/client/v3/createRoom", R"({"name":"shared"})", alice_);
    room_ = r.json()["room_id"].GetString();
    addRemoteMember(hs1_->dbUrl(), room_, sink_->user());
  }
  std::string txnWith(const std::string& edu_type, const std::string& content) {
    return R"({"origin":")" + sink_->name() + R"(","origin_server_ts":1,"pdus":[],"edus":[{"edu_type":")" +
           edu_type + R"(","content":)" + content + "}]}";
  }

  TestPki pki_;
  int p1_ = 0;
  std::unique_ptr<TestServer> hs1_;
  std::unique_ptr<FederationSink> sink_;
  std::string alice_;
  std::string room_;
};

TEST_F(FederationEdus, TypingReachesTheOtherServerSignedAsSignedjsonExpects) {
  ASSERT_EQ(hs1_->put("/_matrix/client/v3/rooms/" + room_ + "/typing/@alice:" + fedName(p1_),
                      R"({"typing":true,"timeout":10000})", alice_).status, 200);
  const auto records = sink_->waitFor([](const json::Value& r) { return eduOf(r, "m.typing") != nullptr; });
  for (const auto& r : records) {
    EXPECT_FALSE(r.HasMember("refused")) << json::toString(r);  // every signature verified
  }
  for (const auto& r : records) {
    if (const auto* typing = eduOf(r, "m.typing")) {
      EXPECT_EQ(r["origin"].GetString(), fedName(p1_));
      EXPECT_EQ((*typing)["room_id"].GetString(), room_);
      EXPECT_EQ((*typing)["user_id"].GetString(), "@alice:" + fedName(p1_));
      EXPECT_TRUE((*typing)["typing"].GetBool());
    }
  }
}

TEST_F(FederationEdus, ReadReceiptsTravelPrivateOnesDoNot) {
  const auto sent = hs1_->put("/_matrix/client/v3/rooms/" + room_ + "/send/m.room.message/t1",
                              R"({"msgtype":"m.text","body":"hi"})", alice_);
  const std::string event = sent.json()["event_id"].GetString();
  ASSERT_EQ(hs1_->post("/_matrix/client/v3/rooms/" + room_ + "/receipt/m.read.private/" + event, "{}", alice_).status, 200);
  ASSERT_EQ(hs1_->post("/_matrix/client/v3/rooms/" + room_ + "/receipt/m.read/" + event, "{}", alice_).status, 200);
  const auto records = sink_->waitFor([](const json::Value& r) { return eduOf(r, "m.receipt") != nullptr; });
  int receipts = 0;
  for (const auto& r : records) {
    if (const auto* receipt = eduOf(r, "m.receipt")) {
      ++receipts;
      const auto& read = (*receipt)[room_.c_str()]["m.read"][("@alice:" + fedName(p1_)).c_str()];
      EXPECT_EQ(read["event_ids"][0].GetString(), event);
      EXPECT_FALSE((*receipt)[room_.c_str()].HasMember("m.read.private"));
    }
  }
  EXPECT_EQ(receipts, 1);
}

TEST_F(FederationEdus, PresenceGoesToServersSharingARoom) {
  ASSERT_EQ(hs1_->put("/_matrix/client/v3/presence/@alice:" + fedName(p1_) + "/status",
                      R"({"presence":"unavailable","status_msg":"lunch"})", alice_).status, 200);
  sink_->waitFor([](const json::Value& r) {
    const auto* p = eduOf(r, "m.presence");
    return p != nullptr && std::string((*p)["push"][0]["presence"].GetString()) == "unavailable" &&
           std::string((*p)["push"][0]["status_msg"].GetString()) == "lunch";
  });
}

TEST_F(FederationEdus, DeviceListUpdatesGoToServersSharingARoom) {
  const std::string me = "@alice:" + fedName(p1_);
  const std::string keys = R"({"device_keys":{"user_id":")" + me + R"(","device_id":"ALICEDEV",)"
                           R"("algorithms":["m.olm.v1.curve25519-aes-sha2"],)"
                           R"("keys":{"curve25519:ALICEDEV":"c","ed25519:ALICEDEV":"e"}}})";
  ASSERT_EQ(hs1_->post("/_matrix/client/v3/keys/upload", keys, alice_).status, 200);
  ASSERT_EQ(hs1_->put("/_matrix/client/v3/devices/ALICEDEV", R"({"display_name":"phone"})", alice_).status, 200);
  std::vector<json::Document> records;
  for (int i = 0; i < 300 && edusOf(records, "m.device_list_update").size() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    records = sink_->records();
  }
  const auto updates = edusOf(records, "m.device_list_update");
  ASSERT_EQ(updates.size(), 2u);  // the key upload, then the rename
  for (const auto* c : updates) {
    EXPECT_EQ((*c)["user_id"].GetString(), me);
    EXPECT_EQ((*c)["device_id"].GetString(), std::string("ALICEDEV"));
  }
  EXPECT_EQ((*updates[0])["keys"]["keys"]["ed25519:ALICEDEV"].GetString(), std::string("e"));
  EXPECT_FALSE(updates[1]->HasMember("keys"));
  ASSERT_EQ((*updates[1])["prev_id"].Size(), 1u);  // each names the one before it
  EXPECT_EQ((*updates[1])["prev_id"][0].GetInt64(), (*updates[0])["stream_id"].GetInt64());
}

TEST_F(FederationEdus, InboundTypingAndReceiptsSignedBySignedjsonReachLocalSyncs) {
  const std::string txn_typing = txnWith("m.typing", R"({"room_id":")" + room_ + R"(","user_id":")" + sink_->user() +
                                                         R"(","typing":true})");
  const std::string out = sink_->send(fedName(p1_), "PUT", "/_matrix/federation/v1/send/s1", txn_typing);
  ASSERT_EQ(out.substr(0, 3), "200") << out;
  const auto sent = hs1_->put("/_matrix/client/v3/rooms/" + room_ + "/send/m.room.message/t1",
                              R"({"msgtype":"m.text","body":"hi"})", alice_);
  const std::string event = sent.json()["event_id"].GetString();
  const std::string txn_receipt = txnWith("m.receipt", R"({")" + room_ + R"(":{"m.read":{")" + sink_->user() +
                                                           R"(":{"event_ids":[")" + event + R"("],"data":{"ts":5}}}}})");
  ASSERT_EQ(sink_->send(fedName(p1_), "PUT", "/_matrix/federation/v1/send/s2", txn_receipt).substr(0, 3), "200");

  const auto sync = hs1_->get("/_matrix/client/v3/sync", alice_).json();
  const auto& ephemeral = sync["rooms"]["join"][room_.c_str()]["ephemeral"]["events"];
  bool typing = false, receipt = false;
  for (const auto& e : ephemeral.GetArray()) {
    const std::string type = e["type"].GetString();
    if (type == "m.typing") {
      for (const auto& u : e["content"]["user_ids"].GetArray()) {
        typing |= u.GetString() == sink_->user();
      }
    }
    if (type == "m.receipt") {
      receipt |= e["content"].HasMember(event.c_str()) &&
                 e["content"][event.c_str()]["m.read"].HasMember(sink_->user().c_str());
    }
  }
  EXPECT_TRUE(typing) << json::toString(ephemeral);
  EXPECT_TRUE(receipt) << json::toString(ephemeral);
}

TEST_F(FederationEdus, InboundEdusForRoomsTheUserIsNotInAreIgnored) {
  const auto r2 = hs1_->post("/_matrix/client/v3/createRoom", R"({"name":"private"})", alice_);
  const std::string other_room = r2.json()["room_id"].GetString();
  const std::string txn = txnWith("m.typing", R"({"room_id":")" + other_room + R"(","user_id":")" + sink_->user() +
                                                  R"(","typing":true})");
  ASSERT_EQ(sink_->send(fedName(p1_), "PUT", "/_matrix/federation/v1/send/s1", txn).substr(0, 3), "200");
  const auto sync = hs1_->get("/_matrix/client/v3/sync", alice_).json();
  const std::string events = json::toString(sync["rooms"]["join"][other_room.c_str()]["ephemeral"]);
  EXPECT_EQ(events.find(sink_->user()), std::string::npos) << events;
}

TEST_F(FederationEdus, InboundPresenceAndDeviceListsAreKept) {
  const std::string presence = txnWith("m.presence", R"({"push":[{"user_id":")" + sink_->user() +
                                                         R"(","presence":"online","last_active_ago":1000}]})");
  ASSERT_EQ(sink_->send(fedName(p1_), "PUT", "/_matrix/federation/v1/send/s1", presence).substr(0, 3), "200");
  const auto status = hs1_->get("/_matrix/client/v3/presence/" + sink_->user() + "/status", alice_);
  ASSERT_EQ(status.status, 200) << status.body;
  EXPECT_EQ(status.json()["presence"].GetString(), std::string("online"));
  // A local user sharing no room with the sink's user may not see it, as for local users.
  const auto stranger = hs1_->registerUser("stranger");
  EXPECT_EQ(hs1_->get("/_matrix/client/v3/presence/" + sink_->user() + "/status", stranger).status, 403);
  // A remote user their server told us nothing about is unknown.
  EXPECT_EQ(hs1_->get("/_matrix/client/v3/presence/@other:" + sink_->name() + "/status", alice_).status, 404);

  const std::string devices = txnWith("m.device_list_update", R"({"user_id":")" + sink_->user() +
                                                                  R"(","device_id":"D1","stream_id":7,"prev_id":[]})");
  ASSERT_EQ(sink_->send(fedName(p1_), "PUT", "/_matrix/federation/v1/send/s2", devices).substr(0, 3), "200");
  ASSERT_EQ(sink_->send(fedName(p1_), "PUT", "/_matrix/federation/v1/send/s3", devices).substr(0, 3), "200");
  EXPECT_EQ(queryCount(hs1_->dbUrl(), "SELECT count(*) FROM federation_inbound_edus WHERE edu_type = "
                                      "'m.device_list_update'"),
            1);  // the same stream_id twice is kept once
}

TEST_F(FederationEdus, ProfileQueriesFromTheSinkAreAnswered) {
  hs1_->put("/_matrix/client/v3/profile/@alice:" + fedName(p1_) + "/displayname", R"({"displayname":"Alice"})", alice_);
  const std::string out = sink_->send(fedName(p1_), "GET",
                                      "/_matrix/federation/v1/query/profile?user_id=%40alice%3A" + fedName(p1_), "");
  EXPECT_EQ(out.substr(0, 3), "200") << out;
  EXPECT_NE(out.find(R"("displayname":"Alice")"), std::string::npos) << out;
}

}  // namespace
}  // namespace hs::test
