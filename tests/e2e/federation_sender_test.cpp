// The sender's retry schedule against a destination that comes back: a server hs1 has been
// backing off from is retried as soon as it makes a verified request to hs1, not when a long
// backoff runs out. Real TLS between two in-process servers, real PostgreSQL.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/federation_helpers.h"
#include "tests/support/sinks.h"

namespace hs::test {
namespace {

using Clock = std::chrono::steady_clock;

// A backoff far longer than any wait below: a delivery within the test is not its timer.
constexpr int64_t kLongBackoffMs = 10 * 60 * 1000;

int64_t failuresOf(TestServer& server, const std::string& destination) {
  return queryCount(server.dbUrl(), "SELECT COALESCE(max(failures), 0) FROM federation_destinations WHERE "
                                    "destination = '" + destination + "'");
}

TEST(FederationSender, ADestinationThatContactsUsIsRetriedAtOnce) {
  TestPki pki;
  const int p1 = freeLoopbackPort(), p2 = freeLoopbackPort();
  TestServer hs1(federating(pki, p1, [](config::Config& c) {
    c.federation.initial_backoff_ms = kLongBackoffMs;
    c.federation.max_backoff_ms = kLongBackoffMs;
  }));
  const auto alice = hs1.registerUser("alice", "password123", "ALICEDEV");
  const std::string body = R"({"messages":{"@bob:)" + fedName(p2) + R"(":{"BOBDEV":{"secret":"queued"}}}})";
  ASSERT_EQ(hs1.put("/_matrix/client/v3/sendToDevice/m.test/t1", body, alice).status, 200);
  // hs2 is not running yet: the first attempt fails and hs1 backs off for ten minutes.
  for (int i = 0; i < 200 && failuresOf(hs1, fedName(p2)) == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(failuresOf(hs1, fedName(p2)), 1);

  TestServer hs2(federating(pki, p2));
  const auto bob = hs2.registerUser("bob", "password123", "BOBDEV");
  // Bob looks up Alice's profile: hs2 signs a query to hs1, which hs1 verifies.
  ASSERT_EQ(hs2.get("/_matrix/client/v3/profile/@alice:" + fedName(p1), bob).status, 200);
  const auto start = Clock::now();
  std::string events;
  while (events.find("queued") == std::string::npos && Clock::now() - start < std::chrono::seconds(60)) {
    const auto sync = hs2.get("/_matrix/client/v3/sync?timeout=500", bob).json();
    events = sync.HasMember("to_device") ? json::toString(sync["to_device"]) : "";
  }
  EXPECT_NE(events.find("queued"), std::string::npos) << "hs1 kept waiting for its backoff";
  EXPECT_EQ(failuresOf(hs1, fedName(p2)), 0);  // the schedule is reset in the database too
  for (int i = 0; i < 100 && queryCount(hs1.dbUrl(), "SELECT count(*) FROM federation_outbox") > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // hs1 records hs2's answer
  }
  EXPECT_EQ(queryCount(hs1.dbUrl(), "SELECT count(*) FROM federation_outbox"), 0);
}

}  // namespace
}  // namespace hs::test
