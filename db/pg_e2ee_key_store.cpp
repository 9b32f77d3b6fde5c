#include "db/pg_e2ee_key_store.h"

#include <pqxx/pqxx>

#include "db/pg_e2ee_rows.h"
#include "db/pg_room_rows.h"
#include "db/pg_util.h"

namespace hs::db {

using e2ee::OneTimeKey;

namespace {
// Held for the writing transaction: a device deleted meanwhile cannot get keys.
constexpr const char* kLockDevice =
    "SELECT 1 FROM devices WHERE user_id = $1 AND device_id = $2 FOR KEY SHARE";
constexpr const char* kDeviceKeys =
    "SELECT key_json FROM e2e_device_keys WHERE user_id = $1 AND device_id = $2";
constexpr const char* kPutDeviceKeys =
    "INSERT INTO e2e_device_keys (user_id, device_id, key_json) VALUES ($1, $2, $3) "
    "ON CONFLICT (user_id, device_id) DO UPDATE SET key_json = EXCLUDED.key_json";
constexpr const char* kAllDeviceKeys =
    "SELECT k.device_id, k.key_json, d.display_name FROM e2e_device_keys k "
    "JOIN devices d ON d.user_id = k.user_id AND d.device_id = k.device_id "
    "WHERE k.user_id = $1 ORDER BY k.device_id";
constexpr const char* kSomeDeviceKeys =
    "SELECT k.device_id, k.key_json, d.display_name FROM e2e_device_keys k "
    "JOIN devices d ON d.user_id = k.user_id AND d.device_id = k.device_id "
    "WHERE k.user_id = $1 AND k.device_id = ANY($2::text[]) ORDER BY k.device_id";
constexpr const char* kOneTimeKey =
    "SELECT key_json FROM e2e_one_time_keys "
    "WHERE user_id = $1 AND device_id = $2 AND algorithm = $3 AND key_id = $4";
constexpr const char* kAddOneTimeKey =
    "INSERT INTO e2e_one_time_keys (user_id, device_id, algorithm, key_id, key_json) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
constexpr const char* kCounts =
    "SELECT algorithm, count(*) FROM e2e_one_time_keys WHERE user_id = $1 AND device_id = $2 "
    "GROUP BY algorithm";
constexpr const char* kPutFallback =
    "INSERT INTO e2e_fallback_keys (user_id, device_id, algorithm, key_id, key_json) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, device_id, algorithm) DO UPDATE SET "
    "key_id = EXCLUDED.key_id, key_json = EXCLUDED.key_json, used = e2e_fallback_keys.used "
    "AND e2e_fallback_keys.key_id = EXCLUDED.key_id AND e2e_fallback_keys.key_json = EXCLUDED.key_json";
constexpr const char* kUnusedFallback =
    "SELECT algorithm FROM e2e_fallback_keys WHERE user_id = $1 AND device_id = $2 AND NOT used "
    "ORDER BY algorithm";
// The oldest key nobody else is claiming right now: a row locked by a concurrent claim is
// skipped rather than waited for, and the DELETE makes the hand-out final at commit.
constexpr const char* kClaimOneTimeKey =
    "DELETE FROM e2e_one_time_keys WHERE seq = (SELECT seq FROM e2e_one_time_keys "
    "  WHERE user_id = $1 AND device_id = $2 AND algorithm = $3 ORDER BY seq LIMIT 1 "
    "  FOR UPDATE SKIP LOCKED) RETURNING key_id, key_json";
constexpr const char* kClaimFallback =
    "UPDATE e2e_fallback_keys SET used = TRUE WHERE user_id = $1 AND device_id = $2 "
    "AND algorithm = $3 RETURNING key_id, key_json";
}  // namespace

std::optional<std::string> PgE2eeKeyStore::deviceKeys(const std::string& user_id,
                                                      const std::string& device_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kDeviceKeys, user_id, device_id);
  return r.empty() ? std::nullopt : std::optional(r[0][0].as<std::string>());
}

bool PgE2eeKeyStore::putDeviceKeys(const std::string& user_id, const std::string& device_id,
                                   const std::string& key_json, const e2ee::DeviceListChange& change) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  if (tx.exec_params(kLockDevice, user_id, device_id).empty()) {
    return false;
  }
  tx.exec_params(kPutDeviceKeys, user_id, device_id, key_json);
  insertChanges(tx, {change});
  tx.commit();
  return true;
}

std::vector<e2ee::DeviceKeys> PgE2eeKeyStore::queryDeviceKeys(const std::string& user_id,
                                                              const std::vector<std::string>& device_ids) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = device_ids.empty() ? tx.exec_params(kAllDeviceKeys, user_id)
                                    : tx.exec_params(kSomeDeviceKeys, user_id, textArray(tx, device_ids));
  std::vector<e2ee::DeviceKeys> out;
  for (const auto& row : r) {
    out.push_back(e2ee::DeviceKeys{row[0].as<std::string>(), row[1].as<std::string>(), optStr(row[2])});
  }
  return out;
}

std::optional<std::string> PgE2eeKeyStore::addOneTimeKeys(const std::string& user_id,
                                                          const std::string& device_id,
                                                          const std::vector<OneTimeKey>& keys) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  if (tx.exec_params(kLockDevice, user_id, device_id).empty()) {
    return std::nullopt;  // the device is gone: its keys would be deleted with it anyway
  }
  for (const auto& k : keys) {
    const auto r = tx.exec_params(kAddOneTimeKey, user_id, device_id, k.algorithm, k.key_id, k.key_json);
    if (r.affected_rows() == 0 &&
        tx.exec_params1(kOneTimeKey, user_id, device_id, k.algorithm, k.key_id)[0].as<std::string>() != k.key_json) {
      return k.algorithm + ":" + k.key_id;  // the transaction rolls back: nothing stored
    }
  }
  tx.commit();
  return std::nullopt;
}

std::map<std::string, int64_t> PgE2eeKeyStore::oneTimeKeyCounts(const std::string& user_id,
                                                                const std::string& device_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::map<std::string, int64_t> out;
  for (const auto& row : tx.exec_params(kCounts, user_id, device_id)) {
    out[row[0].as<std::string>()] = row[1].as<int64_t>();
  }
  return out;
}

void PgE2eeKeyStore::putFallbackKeys(const std::string& user_id, const std::string& device_id,
                                     const std::vector<OneTimeKey>& keys) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  if (tx.exec_params(kLockDevice, user_id, device_id).empty()) {
    return;
  }
  for (const auto& k : keys) {
    tx.exec_params(kPutFallback, user_id, device_id, k.algorithm, k.key_id, k.key_json);
  }
  tx.commit();
}

std::vector<std::string> PgE2eeKeyStore::unusedFallbackKeyTypes(const std::string& user_id,
                                                                const std::string& device_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<std::string> out;
  for (const auto& row : tx.exec_params(kUnusedFallback, user_id, device_id)) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

std::optional<OneTimeKey> PgE2eeKeyStore::claimKey(const std::string& user_id, const std::string& device_id,
                                                   const std::string& algorithm) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  auto r = tx.exec_params(kClaimOneTimeKey, user_id, device_id, algorithm);
  if (r.empty()) {
    r = tx.exec_params(kClaimFallback, user_id, device_id, algorithm);
  }
  tx.commit();
  if (r.empty()) {
    return std::nullopt;
  }
  return OneTimeKey{algorithm, r[0][0].as<std::string>(), r[0][1].as<std::string>()};
}

}  // namespace hs::db
