#include "db/pg_server_key_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"

namespace hs::db {

namespace {
constexpr const char* kResponse =
    "SELECT response_json, valid_until_ts, fetched_ts FROM server_key_responses WHERE server_name = $1";
constexpr const char* kKeys =
    "SELECT key_id, public_key, valid_until_ts, expired_ts FROM server_keys WHERE server_name = $1";
constexpr const char* kPutResponse =
    "INSERT INTO server_key_responses (server_name, response_json, valid_until_ts, fetched_ts) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (server_name) DO UPDATE SET "
    "response_json = EXCLUDED.response_json, valid_until_ts = EXCLUDED.valid_until_ts, "
    "fetched_ts = EXCLUDED.fetched_ts";
constexpr const char* kPutKey =
    "INSERT INTO server_keys (server_name, key_id, public_key, valid_until_ts, expired_ts, fetched_ts) "
    "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (server_name, key_id) DO UPDATE SET "
    "public_key = EXCLUDED.public_key, valid_until_ts = EXCLUDED.valid_until_ts, "
    "expired_ts = EXCLUDED.expired_ts, fetched_ts = EXCLUDED.fetched_ts";
}  // namespace

std::optional<fed::ServerKeys> PgServerKeyStore::get(const std::string& server_name) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto head = tx.exec_params(kResponse, server_name);
  if (head.empty()) {
    return std::nullopt;
  }
  fed::ServerKeys out;
  out.server_name = server_name;
  out.response_json = head[0][0].as<std::string>();
  out.valid_until_ts = head[0][1].as<int64_t>();
  out.fetched_ts = head[0][2].as<int64_t>();
  for (const auto& row : tx.exec_params(kKeys, server_name)) {
    out.keys[row[0].as<std::string>()] =
        core::VerifyKey{bytesOf(row[1]), row[2].as<int64_t>(), optI64(row[3])};
  }
  return out;
}

void PgServerKeyStore::put(const fed::ServerKeys& keys) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kPutResponse, keys.server_name, keys.response_json, keys.valid_until_ts, keys.fetched_ts);
  for (const auto& [key_id, k] : keys.keys) {
    tx.exec_params(kPutKey, keys.server_name, key_id, bytes(k.public_key), k.valid_until_ts, k.expired_ts,
                   keys.fetched_ts);
  }
  tx.commit();
}

}  // namespace hs::db
