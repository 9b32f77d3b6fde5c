#include "db/unavailable.h"

#include <pqxx/pqxx>

#include "db/pool.h"

namespace hs::db {

namespace {
constexpr int64_t kRetryAfterMs = 5000;

// SQLSTATE classes 08 (connection exception) and 57 (operator intervention: admin_shutdown,
// crash_shutdown, cannot_connect_now), and 53300 too_many_connections.
bool unavailableState(const std::string& sqlstate) {
  return sqlstate.rfind("08", 0) == 0 || sqlstate.rfind("57", 0) == 0 || sqlstate == "53300";
}
}  // namespace

std::optional<core::MatrixError> unavailableError(const std::exception& e) {
  const auto* sql = dynamic_cast<const pqxx::sql_error*>(&e);
  if (dynamic_cast<const pqxx::broken_connection*>(&e) == nullptr &&
      dynamic_cast<const PoolExhausted*>(&e) == nullptr &&
      (sql == nullptr || !unavailableState(sql->sqlstate()))) {
    return std::nullopt;
  }
  core::MatrixError err(core::ErrCode::Unknown, "The database is unavailable; try again shortly", 503);
  err.withRetryAfterMs(kRetryAfterMs);
  return err;
}

}  // namespace hs::db
