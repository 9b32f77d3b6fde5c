#include "db/migrations.h"

#include <pqxx/pqxx>
#include <set>
#include <stdexcept>

#include "db/pool.h"

namespace hs::db {

namespace {
constexpr const char* kCreateTable =
    "CREATE TABLE IF NOT EXISTS schema_migrations ("
    " name TEXT PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())";
// Any constant works; it only has to be the same in every process of this schema.
constexpr const char* kLock = "SELECT pg_advisory_xact_lock(7158435)";
constexpr const char* kApplied = "SELECT name FROM schema_migrations";
constexpr const char* kRecord = "INSERT INTO schema_migrations (name) VALUES ($1)";
}  // namespace

std::vector<std::string> applyMigrations(Pool& pool, const std::vector<Migration>& migrations) {
  auto lease = pool.acquire();
  {
    pqxx::work tx(lease.get());
    tx.exec(kLock);
    tx.exec(kCreateTable);
    tx.commit();
  }
  std::vector<std::string> applied_now;
  for (const Migration& m : migrations) {
    pqxx::work tx(lease.get());
    tx.exec(kLock);  // held until this migration commits or rolls back
    std::set<std::string> done;
    for (const auto& row : tx.exec(kApplied)) {
      done.insert(row[0].as<std::string>());
    }
    if (done.count(m.name) != 0) {
      continue;
    }
    try {
      tx.exec(m.sql);
      tx.exec_params(kRecord, m.name);
      tx.commit();
    } catch (const pqxx::sql_error& e) {
      throw std::runtime_error("migration " + m.name + " failed and was rolled back: " + e.what());
    }
    applied_now.push_back(m.name);
  }
  return applied_now;
}

}  // namespace hs::db
