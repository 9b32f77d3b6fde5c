// Two Parley servers over real TLS: remote profiles through the client API (query/profile),
// room alias queries (query/directory), to-device messages between users of both servers, and
// what /metrics shows per destination, a dead one included.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/federation_helpers.h"
#include "tests/support/sinks.h"

namespace hs::test {
namespace {

using TwoServers = FederatingPair;

TEST_F(TwoServers, RemoteProfileThroughTheClientApi) {
  const auto alice = hs1_->registerUser("alice");
  const auto bob = hs2_->registerUser("bob");
  ASSERT_EQ(hs2_->put("/_matrix/client/v3/profile/@bob:" + fedName(p2_) + "/displayname",
                      R"({"displayname":"Bob Remote"})", bob).status, 200);
  const auto r = hs1_->get("/_matrix/client/v3/profile/@bob:" + fedName(p2_), alice);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["displayname"].GetString(), std::string("Bob Remote"));
  const auto field = hs1_->get("/_matrix/client/v3/profile/@bob:" + fedName(p2_) + "/displayname", alice);
  EXPECT_EQ(field.status, 200);
  EXPECT_EQ(hs1_->get("/_matrix/client/v3/profile/@nobody:" + fedName(p2_), alice).status, 404);
  // A server that cannot be reached is a 502 for the client, not a hang or a 500.
  const auto dead = hs1_->get("/_matrix/client/v3/profile/@x:" + fedName(freeLoopbackPort()), alice);
  EXPECT_EQ(dead.status, 502) << dead.body;
}

TEST_F(TwoServers, QueryDirectoryResolvesOurAliases) {
  const auto bob = hs2_->registerUser("bob");
  const auto room = hs2_->post("/_matrix/client/v3/createRoom", R"({"room_alias_name":"lobby"})", bob).json();
  const std::string room_id = room["room_id"].GetString();
  const auto k1 = core::SigningKey::loadFile(hs1_->signingKeyPath());
  const auto r = signedRequest(*hs2_, k1, fedName(p1_),
                               {"GET", "/_matrix/federation/v1/query/directory?room_alias=%23lobby%3A" + fedName(p2_)},
                               pki_.caFile());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["room_id"].GetString(), room_id);
  EXPECT_EQ(r.json()["servers"][0].GetString(), fedName(p2_));
  const auto missing = signedRequest(*hs2_, k1, fedName(p1_),
                                     {"GET", "/_matrix/federation/v1/query/directory?room_alias=%23nope%3A" + fedName(p2_)},
                                     pki_.caFile());
  EXPECT_EQ(missing.status, 404);
}

TEST_F(TwoServers, ToDeviceMessagesCrossServers) {
  const auto alice = hs1_->registerUser("alice", "password123", "ALICEDEV");
  const auto bob = hs2_->registerUser("bob", "password123", "BOBDEV");
  const std::string body = R"({"messages":{"@bob:)" + fedName(p2_) + R"(":{"BOBDEV":{"secret":"s1"}},"@alice:)" +
                           fedName(p1_) + R"(":{"ALICEDEV":{"secret":"local"}}}})";
  ASSERT_EQ(hs1_->put("/_matrix/client/v3/sendToDevice/m.test/txn1", body, alice).status, 200);
  ASSERT_EQ(hs1_->put("/_matrix/client/v3/sendToDevice/m.test/txn1", body, alice).status, 200);  // a retry
  // A sync without `since` returns at once: poll against a deadline (the first delivery
  // includes hs2 fetching hs1's keys, seconds on a busy machine).
  std::string events;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (events.find("s1") == std::string::npos && std::chrono::steady_clock::now() < deadline) {
    const auto sync = hs2_->get("/_matrix/client/v3/sync", bob).json();
    events = sync.HasMember("to_device") ? json::toString(sync["to_device"]) : "";
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const auto sync = hs2_->get("/_matrix/client/v3/sync", bob).json();
  ASSERT_EQ(sync["to_device"]["events"].Size(), 1u) << json::toString(sync["to_device"]);
  const auto& e = sync["to_device"]["events"][0];
  EXPECT_EQ(e["sender"].GetString(), "@alice:" + fedName(p1_));
  EXPECT_EQ(e["type"].GetString(), std::string("m.test"));
  EXPECT_EQ(e["content"]["secret"].GetString(), std::string("s1"));
  // Acknowledged by hs2: nothing left queued at hs1.
  for (int i = 0; i < 100 && queryCount(hs1_->dbUrl(), "SELECT count(*) FROM federation_outbox") > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(queryCount(hs1_->dbUrl(), "SELECT count(*) FROM federation_outbox"), 0);
}

// A number from a Prometheus text, by its series ("name{labels}"); -1 when absent.
double seriesValue(const std::string& metrics, const std::string& series) {
  const size_t at = metrics.find("\n" + series + " ");
  return at == std::string::npos ? -1 : std::stod(metrics.substr(at + series.size() + 2));
}

// hs1 sends twenty transactions to hs2, one after the other: they share one TLS connection
// instead of paying a handshake each.
TEST_F(TwoServers, TransactionsToOneDestinationReuseTheConnection) {
  const auto alice = hs1_->registerUser("alice", "password123", "ALICEDEV");
  const auto bob = hs2_->registerUser("bob", "password123", "BOBDEV");
  const std::string accepted = "parley_http_connections_accepted{listener=\"federation\"}";
  const double before = seriesValue(httpRequest("GET", hs2_->metricsUrl("/metrics")).body, accepted);
  ASSERT_GE(before, 0);
  std::string since;
  for (int i = 0; i < 20; ++i) {
    const std::string body = R"({"messages":{"@bob:)" + fedName(p2_) + R"(":{"BOBDEV":{"n":)" + std::to_string(i) + "}}}}";
    ASSERT_EQ(hs1_->put("/_matrix/client/v3/sendToDevice/m.test/r" + std::to_string(i), body, alice).status, 200);
    bool arrived = false;  // waiting for each makes each its own transaction
    for (int tries = 0; tries < 100 && !arrived; ++tries) {
      const auto sync = hs2_->get("/_matrix/client/v3/sync?timeout=200" + (since.empty() ? "" : "&since=" + since), bob).json();
      since = sync["next_batch"].GetString();
      arrived = sync.HasMember("to_device") && sync["to_device"]["events"].Size() > 0;
    }
    ASSERT_TRUE(arrived) << "message " << i;
  }
  // hs2 records a transaction just after applying it: the last one may be a moment behind.
  const std::string txns = "SELECT count(*) FROM federation_inbound_txns";
  for (int i = 0; i < 100 && queryCount(hs2_->dbUrl(), txns) < 20; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_GE(queryCount(hs2_->dbUrl(), txns), 20);
  const double after = seriesValue(httpRequest("GET", hs2_->metricsUrl("/metrics")).body, accepted);
  EXPECT_LE(after - before, 2) << "a connection per transaction instead of one reused";
}

TEST_F(TwoServers, MetricsShowEachDestinationAndADeadOne) {
  const auto alice = hs1_->registerUser("alice", "password123", "ALICEDEV");
  hs2_->registerUser("bob", "password123", "BOBDEV");
  const std::string dead = fedName(freeLoopbackPort());
  const std::string body = R"({"messages":{"@bob:)" + fedName(p2_) + R"(":{"BOBDEV":{"n":1}},"@carl:)" + dead +
                           R"(":{"C":{"n":1}}}})";
  ASSERT_EQ(hs1_->put("/_matrix/client/v3/sendToDevice/m.test/t1", body, alice).status, 200);
  std::string metrics;
  for (int i = 0; i < 200; ++i) {
    metrics = httpRequest("GET", hs1_->metricsUrl("/metrics")).body;
    if (metrics.find("parley_federation_destination_queued{destination=\"" + fedName(p2_) + "\"} 0\n") !=
            std::string::npos &&
        metrics.find("parley_federation_destination_up{destination=\"" + dead + "\"} 0\n") != std::string::npos) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_NE(metrics.find("parley_federation_destination_up{destination=\"" + fedName(p2_) + "\"} 1"), std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("parley_federation_destination_queued{destination=\"" + fedName(p2_) + "\"} 0\n"),
            std::string::npos);
  EXPECT_EQ(metrics.find("parley_federation_destination_last_success_seconds{destination=\"" + fedName(p2_) +
                         "\"} 0.000"),
            std::string::npos);  // it has succeeded
  EXPECT_NE(metrics.find("parley_federation_destination_up{destination=\"" + dead + "\"} 0\n"), std::string::npos);
  EXPECT_NE(metrics.find("parley_federation_destination_queued{destination=\"" + dead + "\"} 1\n"), std::string::npos);
  EXPECT_EQ(metrics.find("parley_federation_destination_backoff_seconds{destination=\"" + dead + "\"} 0.000"),
            std::string::npos);  // backing off
  EXPECT_NE(metrics.find("parley_federation_destination_last_success_seconds{destination=\"" + dead + "\"} 0.000"),
            std::string::npos);  // never succeeded
}

}  // namespace
}  // namespace hs::test
