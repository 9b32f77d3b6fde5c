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

// Migration 0010 fills in the DAG edges of events stored before it, also of an event whose
// content holds a \u0000 (PostgreSQL's json operators refuse such a document).
TEST(Migrations, EventPipelineFillsInEdgesOfExistingEvents) {
  test::TestDatabase database;
  Pool pool(database.url(), 2);
  std::vector<Migration> before, all = embeddedMigrations();
  for (const auto& m : all) {
    if (m.name < "0010") {
      before.push_back(m);
    }
  }
  applyMigrations(pool, before);
  {
    auto lease = pool.acquire();
    pqxx::work tx(lease.get());
    tx.exec("INSERT INTO rooms (room_id, room_version, creator, created_at) VALUES ('!r:x', '11', '@a:x', 0)");
    const std::string insert =
        "INSERT INTO events (event_id, room_id, stream_pos, depth, type, sender, origin_server_ts, "
        "pdu_json, client_json, state_group) VALUES ($1, '!r:x', $2, 1, 'm.room.message', '@a:x', 0, $3, '{}', 0)";
    tx.exec_params(insert, "$plain", 1,
                   R"({"content":{"body":"a"},"prev_events":["$p1","$p2"],"auth_events":["$a1"]})");
    tx.exec_params(insert, "$nul", 2,
                   R"({"content":{"body":"a\u0000b"},"prev_events":["$p3"],"auth_events":["$a2","$a3"]})");
    tx.commit();
  }
  applyMigrations(pool, all);
  auto lease = pool.acquire();
  pqxx::read_transaction tx(lease.get());
  const auto edges = [&tx](const std::string& id) {
    const auto r = tx.exec_params("SELECT array_to_string(prev_ids, ','), array_to_string(auth_ids, ',') "
                                  "FROM events WHERE event_id = $1", id);
    return r.at(0)[0].as<std::string>() + "|" + r.at(0)[1].as<std::string>();
  };
  EXPECT_EQ(edges("$plain"), "$p1,$p2|$a1");
  EXPECT_EQ(edges("$nul"), "$p3|$a2,$a3");
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
