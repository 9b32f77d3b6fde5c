// The outbound federation queue against a real PostgreSQL: rows written inside the caller's
// transaction (a rollback leaves nothing, a commit wakes LISTEN), transactions of at most 50
// PDUs and 100 EDUs in queue order, the same id and content until acknowledged, stale typing and
// presence dropped but never receipts, and a retry schedule that is still there after a restart.
#include <gtest/gtest.h>

#include <atomic>
#include <pqxx/pqxx>
#include <thread>

#include "db/migrations.h"
#include "db/pg_listener.h"
#include "db/pg_outbox.h"
#include "db/pool.h"
#include "tests/support/test_server.h"

namespace hs::db {
namespace {

struct Fixture {
  test::TestDatabase database;
  Pool pool{database.url(), 3};
  int64_t now = 1'000'000;
  PgOutbox outbox{pool, [this] { return now; }};
  Fixture() { applyMigrations(pool, embeddedMigrations()); }

  outbound::Edu edu(const std::string& type, int n, std::vector<std::string> dests = {"remote.example"},
                    std::optional<int64_t> droppable = std::nullopt) {
    return {type, R"({"n":)" + std::to_string(n) + "}", std::move(dests), droppable};
  }
};

TEST(PgOutbox, WrittenInTheCallersTransactionOrNotAtAll) {
  Fixture f;
  {
    auto lease = f.pool.acquire();
    pqxx::work tx(lease.get());
    enqueueEdus(tx, {f.edu("m.receipt", 1)});
    enqueuePdus(tx, {{"$e1", R"({"type":"m.room.message"})", {"remote.example"}}});
    // no commit: the change failed, so nothing it would have sent may go out
  }
  EXPECT_FALSE(f.outbox.takeTransaction("remote.example", 50, 100).has_value());
  {
    auto lease = f.pool.acquire();
    pqxx::work tx(lease.get());
    enqueueEdus(tx, {f.edu("m.receipt", 1)});
    tx.commit();
  }
  const auto txn = f.outbox.takeTransaction("remote.example", 50, 100);
  ASSERT_TRUE(txn.has_value());
  EXPECT_EQ(txn->edus.size(), 1u);
}

TEST(PgOutbox, CommitsWakeTheListenerWithTheDestination) {
  Fixture f;
  std::mutex mu;
  std::vector<std::string> woken;
  std::atomic<bool> connected{false};
  PgListener listener(f.database.url(), kOutboxChannel,
                      [&](const std::string& d) {
                        std::lock_guard lock(mu);
                        woken.push_back(d);
                      },
                      [&] { connected = true; });
  for (int i = 0; i < 200 && !connected; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  f.outbox.enqueue({f.edu("m.typing", 1, {"a.example", "b.example"})});
  auto count = [&] {
    std::lock_guard lock(mu);
    return woken.size();
  };
  for (int i = 0; i < 200 && count() < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  std::lock_guard lock(mu);
  std::sort(woken.begin(), woken.end());
  EXPECT_EQ(woken, (std::vector<std::string>{"a.example", "b.example"}));
}

TEST(PgOutbox, TransactionsAreBoundedAndInOrder) {
  Fixture f;
  for (int i = 0; i < 120; ++i) {
    f.outbox.enqueue({f.edu("m.direct_to_device", i)});
  }
  std::vector<outbound::Pdu> pdus;
  for (int i = 0; i < 60; ++i) {
    pdus.push_back({"$e" + std::to_string(i), R"({"n":)" + std::to_string(i) + "}", {"remote.example"}});
  }
  f.outbox.enqueuePdus(pdus);
  auto first = f.outbox.takeTransaction("remote.example", 50, 100);
  ASSERT_TRUE(first.has_value());
  ASSERT_EQ(first->pdus.size(), 50u);
  ASSERT_EQ(first->edus.size(), 100u);
  EXPECT_EQ(first->pdus[0], R"({"n":0})");
  EXPECT_EQ(first->edus[99].second, R"({"n":99})");
  // Not acknowledged: the same transaction again, same id, same content.
  const auto again = f.outbox.takeTransaction("remote.example", 50, 100);
  EXPECT_EQ(again->txn_id, first->txn_id);
  EXPECT_EQ(again->origin_server_ts, first->origin_server_ts);
  EXPECT_EQ(again->edus, first->edus);
  const auto second = f.outbox.acknowledgeAndTakeNext("remote.example", first->txn_id, 50, 100);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(f.outbox.takeTransaction("remote.example", 50, 100)->txn_id, second->txn_id);  // it is pending
  EXPECT_NE(second->txn_id, first->txn_id);
  EXPECT_EQ(second->pdus.size(), 10u);
  EXPECT_EQ(second->edus.size(), 20u);
  EXPECT_EQ(second->edus[0].second, R"({"n":100})");
  EXPECT_FALSE(f.outbox.acknowledgeAndTakeNext("remote.example", second->txn_id, 50, 100).has_value());
  EXPECT_FALSE(f.outbox.takeTransaction("remote.example", 50, 100).has_value());
}

TEST(PgOutbox, StaleTypingAndPresenceAreDroppedReceiptsNever) {
  Fixture f;
  f.outbox.enqueue({f.edu("m.typing", 1, {"remote.example"}, f.now + 1000), f.edu("m.receipt", 2),
                    f.edu("m.presence", 3, {"remote.example"}, f.now + 5000)});
  f.now += 2000;  // the typing notice is stale, the presence not yet
  const auto txn = f.outbox.takeTransaction("remote.example", 50, 100);
  ASSERT_TRUE(txn.has_value());
  ASSERT_EQ(txn->edus.size(), 2u);
  EXPECT_EQ(txn->edus[0].first, "m.receipt");
  EXPECT_EQ(txn->edus[1].first, "m.presence");
}

TEST(PgOutbox, RetryScheduleAndPendingTransactionSurviveARestart) {
  Fixture f;
  f.outbox.enqueue({f.edu("m.receipt", 1)});
  const auto txn = f.outbox.takeTransaction("remote.example", 50, 100);
  f.outbox.recordFailure("remote.example", 4000, "connection refused");
  f.outbox.recordFailure("remote.example", 8000, "connection refused");
  PgOutbox after_restart(f.pool, [&f] { return f.now; });
  const auto states = after_restart.destinationsWithWork();
  ASSERT_EQ(states.size(), 1u);
  EXPECT_EQ(states[0].failures, 2);
  EXPECT_EQ(states[0].backoff_ms, 8000);
  EXPECT_EQ(states[0].retry_at_ms, f.now + 8000);
  EXPECT_EQ(states[0].last_error.value_or(""), "connection refused");
  EXPECT_EQ(after_restart.takeTransaction("remote.example", 50, 100)->txn_id, txn->txn_id);
  EXPECT_TRUE(after_restart.resetBackoff("remote.example"));
  EXPECT_FALSE(after_restart.resetBackoff("remote.example"));
  EXPECT_FALSE(after_restart.acknowledgeAndTakeNext("remote.example", txn->txn_id, 50, 100).has_value());
  const auto all = after_restart.allDestinations();
  ASSERT_EQ(all.size(), 1u);
  EXPECT_EQ(all[0].queued, 0);
  EXPECT_EQ(all[0].last_success_ms.value_or(0), f.now);
}

TEST(PgOutbox, DestinationsAreIndependent) {
  Fixture f;
  f.outbox.enqueue({f.edu("m.receipt", 1, {"a.example", "b.example"})});
  const auto a = f.outbox.takeTransaction("a.example", 50, 100);
  f.outbox.recordFailure("a.example", 1000, "down");
  const auto b = f.outbox.takeTransaction("b.example", 50, 100);
  ASSERT_TRUE(b.has_value());
  EXPECT_FALSE(f.outbox.acknowledgeAndTakeNext("b.example", b->txn_id, 50, 100).has_value());
  EXPECT_EQ(f.outbox.takeTransaction("a.example", 50, 100)->txn_id, a->txn_id);
}

}  // namespace
}  // namespace hs::db
