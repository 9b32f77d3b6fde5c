#include "db/pg_e2ee_backup_store.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "db/pg_util.h"
#include <tuple>

namespace hs::db {

using e2ee::BackupKey;
using e2ee::BackupScope;
using e2ee::BackupVersion;
using e2ee::BackupWrite;

namespace {
// The user row's lock serializes version creation, so numbers are never handed out twice.
constexpr const char* kLockUser = "SELECT 1 FROM users WHERE user_id = $1 FOR UPDATE";
constexpr const char* kCreate =
    "INSERT INTO e2e_backup_versions (user_id, version, algorithm, auth_data) "
    "SELECT $1, COALESCE(max(version), 0) + 1, $2, $3 FROM e2e_backup_versions WHERE user_id = $1 "
    "RETURNING version";
constexpr const char* kVersionColumns =
    "SELECT v.version, v.algorithm, v.auth_data, v.etag, (SELECT count(*) FROM e2e_backup_keys k "
    "  WHERE k.user_id = v.user_id AND k.version = v.version) FROM e2e_backup_versions v "
    "WHERE v.user_id = $1 AND NOT v.deleted ";
constexpr const char* kCurrentVersionId =
    "SELECT version FROM e2e_backup_versions WHERE user_id = $1 AND NOT deleted "
    "ORDER BY version DESC LIMIT 1 FOR UPDATE";
constexpr const char* kUpdateAuthData =
    "UPDATE e2e_backup_versions SET auth_data = $3 WHERE user_id = $1 AND version = $2 AND NOT deleted";
constexpr const char* kDeleteVersion =
    "UPDATE e2e_backup_versions SET deleted = TRUE WHERE user_id = $1 AND version = $2 AND NOT deleted";
constexpr const char* kLockVersion =
    "SELECT 1 FROM e2e_backup_versions WHERE user_id = $1 AND version = $2 AND NOT deleted FOR UPDATE";
constexpr const char* kKeyColumns =
    "SELECT room_id, session_id, first_message_index, forwarded_count, is_verified, session_data "
    "FROM e2e_backup_keys WHERE user_id = $1 AND version = $2 ";
constexpr const char* kUpsertKey =
    "INSERT INTO e2e_backup_keys (user_id, version, room_id, session_id, first_message_index, "
    "forwarded_count, is_verified, session_data) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
    "ON CONFLICT (user_id, version, room_id, session_id) DO UPDATE SET "
    "first_message_index = EXCLUDED.first_message_index, forwarded_count = EXCLUDED.forwarded_count, "
    "is_verified = EXCLUDED.is_verified, session_data = EXCLUDED.session_data";
constexpr const char* kDeleteKeys = "DELETE FROM e2e_backup_keys WHERE user_id = $1 AND version = $2 ";
constexpr const char* kBumpEtag =
    "UPDATE e2e_backup_versions SET etag = etag + 1 WHERE user_id = $1 AND version = $2";
// Appended to the key queries for a room or one session.
constexpr const char* kInRoom = "AND room_id = $3 ";
constexpr const char* kInSession = "AND room_id = $3 AND session_id = $4 ";

BackupKey keyFromRow(const pqxx::row& r) {
  return BackupKey{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<int64_t>(),
                   r[3].as<int64_t>(),     r[4].as<bool>(),        r[5].as<std::string>()};
}

std::optional<BackupVersion> readVersion(pqxx::transaction_base& tx, const std::string& user_id,
                                         std::optional<int64_t> version) {
  const auto r = version ? tx.exec_params(std::string(kVersionColumns) + "AND v.version = $2", user_id, *version)
                         : tx.exec_params(std::string(kVersionColumns) + "ORDER BY v.version DESC LIMIT 1", user_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return BackupVersion{r[0][0].as<int64_t>(), r[0][1].as<std::string>(), r[0][2].as<std::string>(),
                       r[0][3].as<int64_t>(), r[0][4].as<int64_t>()};
}

// Runs `sql` (which ends in a WHERE clause on user and version) narrowed to the scope.
pqxx::result scoped(pqxx::transaction_base& tx, const std::string& sql, const std::string& user_id,
                    int64_t version, const BackupScope& scope, const std::string& suffix = "") {
  if (scope.session_id) {
    return tx.exec_params(sql + kInSession + suffix, user_id, version, *scope.room_id, *scope.session_id);
  }
  if (scope.room_id) {
    return tx.exec_params(sql + kInRoom + suffix, user_id, version, *scope.room_id);
  }
  return tx.exec_params(sql + suffix, user_id, version);
}

// Writes `k` unless the stored key for its session is better; true when it wrote.
bool putKey(pqxx::work& tx, const std::string& user_id, int64_t version, const BackupKey& k,
            const e2ee::BackupStore::Replaces& replaces) {
  const auto stored = scoped(tx, kKeyColumns, user_id, version, BackupScope{k.room_id, k.session_id},
                             "FOR UPDATE");
  if (!stored.empty() && !replaces(k, keyFromRow(stored[0]))) {
    return false;
  }
  tx.exec_params(kUpsertKey, user_id, version, k.room_id, k.session_id, k.first_message_index,
                 k.forwarded_count, k.is_verified, k.session_data);
  return true;
}
}  // namespace

int64_t PgE2eeBackupStore::createVersion(const std::string& user_id, const std::string& algorithm,
                                         const std::string& auth_data) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kLockUser, user_id);
  const int64_t version = tx.exec_params1(kCreate, user_id, algorithm, auth_data)[0].as<int64_t>();
  tx.commit();
  return version;
}

std::optional<BackupVersion> PgE2eeBackupStore::version(const std::string& user_id,
                                                        std::optional<int64_t> version) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return readVersion(tx, user_id, version);
}

bool PgE2eeBackupStore::updateAuthData(const std::string& user_id, int64_t version,
                                       const std::string& auth_data) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kUpdateAuthData, user_id, version, auth_data);
  tx.commit();
  return r.affected_rows() == 1;
}

bool PgE2eeBackupStore::deleteVersion(const std::string& user_id, int64_t version) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kDeleteVersion, user_id, version);
  tx.exec_params(std::string(kDeleteKeys), user_id, version);
  tx.commit();
  return r.affected_rows() == 1;
}

BackupWrite PgE2eeBackupStore::putKeys(const std::string& user_id, int64_t version,
                                       const std::vector<BackupKey>& keys, const Replaces& replaces) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto current = tx.exec_params(kCurrentVersionId, user_id);
  BackupWrite out;
  if (current.empty()) {
    out.outcome = BackupWrite::Outcome::NoSuchVersion;
    return out;
  }
  if (current[0][0].as<int64_t>() != version) {
    out.outcome = BackupWrite::Outcome::NotCurrent;
    out.current_version = current[0][0].as<int64_t>();
    return out;
  }
  bool changed = false;
  for (const auto& k : keys) {
    changed = putKey(tx, user_id, version, k, replaces) || changed;
  }
  if (changed) {
    tx.exec_params(kBumpEtag, user_id, version);
  }
  const auto v = readVersion(tx, user_id, version);
  tx.commit();
  out.etag = v->etag;
  out.count = v->count;
  return out;
}

std::vector<BackupKey> PgE2eeBackupStore::keys(const std::string& user_id, int64_t version,
                                               const BackupScope& scope) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<BackupKey> out;
  for (const auto& row : scoped(tx, kKeyColumns, user_id, version, scope)) {
    out.push_back(keyFromRow(row));
  }
  std::sort(out.begin(), out.end(), [](const BackupKey& a, const BackupKey& b) {
    return std::tie(a.room_id, a.session_id) < std::tie(b.room_id, b.session_id);
  });
  return out;
}

std::optional<BackupVersion> PgE2eeBackupStore::deleteKeys(const std::string& user_id, int64_t version,
                                                           const BackupScope& scope) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  if (tx.exec_params(kLockVersion, user_id, version).empty()) {
    return std::nullopt;
  }
  if (scoped(tx, kDeleteKeys, user_id, version, scope).affected_rows() > 0) {
    tx.exec_params(kBumpEtag, user_id, version);
  }
  auto v = readVersion(tx, user_id, version);
  tx.commit();
  return v;
}

}  // namespace hs::db
