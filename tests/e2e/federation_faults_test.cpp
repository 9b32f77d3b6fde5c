// Faults between real Parley processes over real TLS, started as an operator would (the
// federation flags of run.sh): the receiver killed with -9 while 1,000 to-device messages are
// queued for it, the sender killed with its queue full, and a dead destination next to a live
// one. Every message must arrive, in order, once; the dead one must not slow the live one.
#include <gtest/gtest.h>

#include <iostream>
#include <thread>

#include "tests/support/federation_helpers.h"
#include "tests/support/parley_process.h"

namespace hs::test {
namespace {

using Clock = std::chrono::steady_clock;

// alice@a sends numbered to-device messages; bob@b collects them with acknowledging syncs.
struct Pair {
  ParleyProcess& a;
  ParleyProcess& b;
  std::string alice;
  std::string bob;
  std::string since;
  std::vector<int> received;

  void send(int from, int to, const std::vector<std::string>& also = {}) {
    for (int i = from; i < to; ++i) {
      std::string messages = R"("@bob:)" + b.name() + R"(":{"BOBDEV":{"seq":)" + std::to_string(i) + "}}";
      for (const auto& user : also) {
        messages += R"(,")" + user + R"(":{"*":{"seq":)" + std::to_string(i) + "}}";
      }
      const auto r = httpRequest("PUT", a.url("/_matrix/client/v3/sendToDevice/m.seq/t" + std::to_string(i)),
                                 "{\"messages\":{" + messages + "}}", {"Authorization: Bearer " + alice});
      ASSERT_EQ(r.status, 200) << r.body;
    }
  }
  // Syncs until `count` messages in all were received or `timeout` passed.
  void collect(size_t count, std::chrono::seconds timeout) {
    const auto deadline = Clock::now() + timeout;
    while (received.size() < count && Clock::now() < deadline) {
      const std::string query = since.empty() ? "?timeout=500" : "?timeout=500&since=" + since;
      const auto r = tryHttpRequest("GET", b.url("/_matrix/client/v3/sync" + query), "", {"Authorization: Bearer " + bob});
      const auto doc = r ? json::tryParse(r->body) : std::nullopt;
      if (!r || r->status != 200 || !doc) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
        continue;
      }
      since = (*doc)["next_batch"].GetString();
      if (doc->HasMember("to_device")) {
        for (const auto& e : (*doc)["to_device"]["events"].GetArray()) {
          received.push_back(e["content"]["seq"].GetInt());
        }
      }
    }
  }
  void expectExactly(int from, int to) {
    std::vector<int> expected;
    for (int i = from; i < to; ++i) {
      expected.push_back(i);
    }
    EXPECT_EQ(received, expected);  // all of them, in order, none twice
  }
};

int64_t queued(ParleyProcess& p) { return queryCount(p.dbUrl(), "SELECT count(*) FROM federation_outbox"); }

// hs1 and hs2 running, alice@hs1 and bob@hs2 registered.
class FederationFaults : public ::testing::Test {
 protected:
  void SetUp() override {
    hs1.start();
    hs2.start();
    pair = std::make_unique<Pair>(Pair{hs1, hs2, hs1.registerUser("alice", "ALICEDEV"), hs2.registerUser("bob", "BOBDEV")});
  }
  TestPki pki;
  ParleyProcess hs1{"hs1", pki};
  ParleyProcess hs2{"hs2", pki};
  std::unique_ptr<Pair> pair;
};

TEST_F(FederationFaults, ReceiverKilledWithAThousandQueuedGetsEachOnceInOrder) {
  Pair& p = *pair;
  p.send(0, 150);
  p.collect(50, std::chrono::seconds(30));  // delivery is under way
  hs2.kill9();
  p.send(150, 1000);
  std::cout << "[ measure ] queued at hs1 while hs2 is dead: " << queued(hs1) << " rows\n";
  EXPECT_GT(queued(hs1), 0);
  const auto restarted = Clock::now();
  hs2.start();
  p.collect(1000, std::chrono::seconds(120));
  std::cout << "[ measure ] after the restart, all arrived in "
            << std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - restarted).count() << " ms\n";
  p.expectExactly(0, 1000);
  EXPECT_EQ(queued(hs1), 0);
}

TEST_F(FederationFaults, SenderKilledWithAFullQueueSendsAfterItsRestart) {
  Pair& p = *pair;
  hs2.stop();
  p.send(0, 200);  // hs2 is down: everything queues, with a retry schedule
  hs1.kill9();
  EXPECT_EQ(queryCount(hs1.dbUrl(), "SELECT count(*) FROM federation_outbox"), 200);
  EXPECT_GT(queryCount(hs1.dbUrl(), "SELECT max(failures) FROM federation_destinations"), 0);
  hs2.start();
  hs1.start();  // the queue and its schedule come back from PostgreSQL
  p.collect(200, std::chrono::seconds(60));
  p.expectExactly(0, 200);
}

// The same 200 messages to a live server, first alone, then each also addressed to a server
// that accepts connections and never answers. The dead one must not delay the live one.
TEST_F(FederationFaults, ADeadDestinationNeverDelaysTheLiveOne) {
  BlackHole dead;
  Pair& p = *pair;
  auto timed = [&](int from, int to, const std::vector<std::string>& also) {
    const auto start = Clock::now();
    p.send(from, to, also);
    p.collect(static_cast<size_t>(to), std::chrono::seconds(120));
    return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count();
  };
  const int64_t alone = timed(0, 200, {});
  const int64_t with_dead = timed(200, 400, {"@carl:localhost:" + std::to_string(dead.port())});
  std::cout << "[ measure ] 200 messages to the live server: " << alone << " ms alone, " << with_dead
            << " ms with a dead destination beside it (its requests time out after 5 s)\n";
  p.expectExactly(0, 400);
  // A dead destination holding anything shared would cost at least one 5 s timeout.
  EXPECT_LT(with_dead, alone + 4000);
  EXPECT_GT(queryCount(hs1.dbUrl(), "SELECT count(*) FROM federation_outbox WHERE destination = 'localhost:" +
                                        std::to_string(dead.port()) + "'"),
            0);
}

}  // namespace
}  // namespace hs::test
