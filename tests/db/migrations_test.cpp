// Migrations against a real PostgreSQL: applied once, recorded, and a failure rolls back.
#include "db/migrations.h"

#include <gtest/gtest.h>

#include <pqxx/pqxx>

#include "db/pool.h"
#include "tests/support/test_server.h"

namespace hs::db {
namespace {

TEST(Migrations, AppliedOnceAndRecorded) {
  test::TestDatabase database;
  Pool pool(database.url(), 2);
  const auto first = applyMigrations(pool, embeddedMigrations());
  EXPECT_EQ(first.size(), embeddedMigrations().size());
  EXPECT_TRUE(applyMigrations(pool, embeddedMigrations()).empty());
  auto lease = pool.acquire();
  pqxx::read_transaction tx(lease.get());
  EXPECT_EQ(tx.exec("SELECT count(*) FROM schema_migrations")[0][0].as<size_t>(),
            embeddedMigrations().size());
}

TEST(Migrations, FailedMigrationRollsBackAndNamesItself) {
  test::TestDatabase database;
  Pool pool(database.url(), 2);
  const std::vector<Migration> good = {{"0001_good", "CREATE TABLE kept (id INT)"}};
  const std::vector<Migration> bad = {{"0001_good", "CREATE TABLE kept (id INT)"},
                                      {"0002_bad", "CREATE TABLE half (id INT); SELECT nonsense_fn()"}};
  applyMigrations(pool, good);
  try {
    applyMigrations(pool, bad);
    FAIL() << "a failing migration must throw";
  } catch (const std::runtime_error& e) {
    EXPECT_NE(std::string(e.what()).find("0002_bad"), std::string::npos);
  }
  auto lease = pool.acquire();
  pqxx::read_transaction tx(lease.get());
  EXPECT_EQ(tx.exec("SELECT count(*) FROM information_schema.tables WHERE table_name = 'half'")[0][0].as<int>(), 0);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM information_schema.tables WHERE table_name = 'kept'")[0][0].as<int>(), 1);
  EXPECT_EQ(tx.exec("SELECT count(*) FROM schema_migrations WHERE name = '0002_bad'")[0][0].as<int>(), 0);
}

TEST(Pool, BrokenConnectionIsReplaced) {
  test::TestDatabase database;
  Pool pool(database.url(), 1);
  {
    auto lease = pool.acquire();
    pqxx::nontransaction tx(lease.get());
    // Kill our own backend: the pool must notice and reconnect on the next acquire.
    try {
      tx.exec("SELECT pg_terminate_backend(pg_backend_pid())");
    } catch (const std::exception&) {
    }
  }
  EXPECT_TRUE(pool.healthy());
  EXPECT_EQ(pool.inUse(), 0);
}

}  // namespace
}  // namespace hs::db
