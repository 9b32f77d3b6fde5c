// PgOpenIdStore: OpenID token hashes (migration 0041).
#include "db/pg_openid_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"

namespace hs::db {

namespace {
constexpr const char* kDropExpired = "DELETE FROM openid_tokens WHERE expires_at <= $1";
constexpr const char* kInsert =
    "INSERT INTO openid_tokens (token_hash, user_id, expires_at) VALUES ($1, $2, $3)";
constexpr const char* kUserOf =
    "SELECT user_id FROM openid_tokens WHERE token_hash = $1 AND expires_at > $2";
}  // namespace

void PgOpenIdStore::insert(const std::string& token_hash, const std::string& user_id,
                           int64_t expires_at, int64_t now) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kDropExpired, now);
  tx.exec_params(kInsert, bytes(token_hash), user_id, expires_at);
  tx.commit();
}

std::optional<std::string> PgOpenIdStore::userOf(const std::string& token_hash, int64_t now) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kUserOf, bytes(token_hash), now);
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<std::string>();
}

}  // namespace hs::db
