#include "db/pg_filter_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"

namespace hs::db {

namespace {
constexpr const char* kInsert =
    "INSERT INTO user_filters (user_id, filter_json) VALUES ($1, $2) RETURNING filter_id";
constexpr const char* kFind =
    "SELECT filter_json FROM user_filters WHERE user_id = $1 AND filter_id = $2";
}  // namespace

int64_t PgFilterStore::insert(const std::string& user_id, const std::string& filter_json) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params1(kInsert, user_id, filter_json);
  tx.commit();
  return r[0].as<int64_t>();
}

std::optional<std::string> PgFilterStore::find(const std::string& user_id, int64_t filter_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kFind, user_id, filter_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<std::string>();
}

}  // namespace hs::db
