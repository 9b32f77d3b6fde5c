#include "db/pg_account_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"
#include "db/prepared.h"

namespace hs::db {

using accounts::DeviceRecord;
using accounts::NewSession;
using accounts::SessionInfo;
using accounts::UserRecord;

namespace {
constexpr const char* kInsertUser =
    "INSERT INTO users (user_id, localpart, password_hash, displayname, avatar_url, created_at, is_guest) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING";
constexpr const char* kUpgradeGuest =
    "UPDATE users SET is_guest = FALSE, password_hash = $2 WHERE user_id = $1 AND is_guest";
constexpr const char* kSelectUser =
    "SELECT user_id, password_hash, displayname, avatar_url, is_deactivated, is_guest FROM users "
    "WHERE user_id = $1";
constexpr const char* kUpsertDevice =
    "INSERT INTO devices (user_id, device_id, display_name, last_seen_ip, last_seen_ts, created_at) "
    "VALUES ($1, $2, $3, $4, $5, $5) ON CONFLICT (user_id, device_id) DO UPDATE SET "
    "last_seen_ip = EXCLUDED.last_seen_ip, last_seen_ts = EXCLUDED.last_seen_ts, "
    "display_name = COALESCE(EXCLUDED.display_name, devices.display_name)";
// Ends a device's earlier sessions, recording their token hashes as revoked.
constexpr const char* kRevokeDeviceSessions =
    "WITH gone AS (DELETE FROM sessions WHERE user_id = $1 AND device_id = $2 "
    "  RETURNING session_id, access_token_hash, refresh_token_hash) "
    "INSERT INTO invalid_tokens (token_hash, kind, session_id, reason, expires_at) "
    "SELECT access_token_hash, 'access', session_id, 'revoked', $3::bigint FROM gone "
    "UNION ALL SELECT refresh_token_hash, 'refresh', session_id, 'revoked', $3::bigint FROM gone "
    "  WHERE refresh_token_hash IS NOT NULL "
    "ON CONFLICT (token_hash) DO NOTHING";
constexpr const char* kInsertSession =
    "INSERT INTO sessions (user_id, device_id, access_token_hash, access_expires_at, "
    "refresh_token_hash, refresh_expires_at, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) "
    "RETURNING session_id";
constexpr const char* kSessionColumns =
    "SELECT s.session_id, s.user_id, s.device_id, s.access_expires_at, s.refresh_expires_at, "
    "u.is_deactivated, u.is_guest FROM sessions s JOIN users u ON u.user_id = s.user_id ";
// Every authenticated request runs this.
const Prepared kSessionByAccess = prepared(
    "session_by_access",
    "SELECT s.session_id, s.user_id, s.device_id, s.access_expires_at, s.refresh_expires_at, "
    "u.is_deactivated, u.is_guest FROM sessions s JOIN users u ON u.user_id = s.user_id "
    "WHERE s.access_token_hash = $1");
constexpr const char* kRotateSession =
    "WITH old AS (SELECT session_id, access_token_hash, refresh_token_hash FROM sessions "
    "  WHERE session_id = $1 AND refresh_token_hash = $2 FOR UPDATE), "
    "upd AS (UPDATE sessions SET access_token_hash = $3, access_expires_at = $4, "
    "  refresh_token_hash = $5, refresh_expires_at = $6 WHERE session_id IN "
    "  (SELECT session_id FROM old) RETURNING session_id) "
    "INSERT INTO invalid_tokens (token_hash, kind, session_id, reason, expires_at) "
    "SELECT access_token_hash, 'access', session_id, 'rotated', $7::bigint FROM old "
    "UNION ALL SELECT refresh_token_hash, 'refresh', session_id, 'rotated', $7::bigint FROM old "
    "RETURNING session_id";
constexpr const char* kRotatedRefresh =
    "SELECT session_id FROM invalid_tokens WHERE token_hash = $1 AND kind = 'refresh' "
    "AND reason = 'rotated'";
constexpr const char* kRevokeSession =
    "WITH gone AS (DELETE FROM sessions WHERE session_id = $1 "
    "  RETURNING session_id, access_token_hash, refresh_token_hash) "
    "INSERT INTO invalid_tokens (token_hash, kind, session_id, reason, expires_at) "
    "SELECT access_token_hash, 'access', session_id, 'revoked', $2::bigint FROM gone "
    "UNION ALL SELECT refresh_token_hash, 'refresh', session_id, 'revoked', $2::bigint FROM gone "
    "  WHERE refresh_token_hash IS NOT NULL "
    "ON CONFLICT (token_hash) DO UPDATE SET reason = 'revoked'";
constexpr const char* kPruneInvalid = "DELETE FROM invalid_tokens WHERE expires_at < $1";
constexpr const char* kDeviceIds = "SELECT device_id FROM devices WHERE user_id = $1";
constexpr const char* kDeleteDevice = "DELETE FROM devices WHERE user_id = $1 AND device_id = $2";
constexpr const char* kListDevices =
    "SELECT device_id, display_name, last_seen_ip, last_seen_ts FROM devices WHERE user_id = $1 "
    "ORDER BY device_id";
constexpr const char* kGetDevice =
    "SELECT device_id, display_name, last_seen_ip, last_seen_ts FROM devices "
    "WHERE user_id = $1 AND device_id = $2";
constexpr const char* kSetDeviceName =
    "UPDATE devices SET display_name = $3 WHERE user_id = $1 AND device_id = $2";
constexpr const char* kTouchDevice =
    "UPDATE devices SET last_seen_ip = $3, last_seen_ts = $4 WHERE user_id = $1 AND device_id = $2";
constexpr const char* kSetPassword = "UPDATE users SET password_hash = $2 WHERE user_id = $1";
constexpr const char* kDeactivate =
    "UPDATE users SET is_deactivated = TRUE, password_hash = NULL WHERE user_id = $1";
constexpr const char* kSetDisplayName = "UPDATE users SET displayname = $2 WHERE user_id = $1";
constexpr const char* kSetAvatarUrl = "UPDATE users SET avatar_url = $2 WHERE user_id = $1";
constexpr const char* kInsertUia =
    "INSERT INTO uia_sessions (session_id, purpose, user_id, completed, created_at, operation, params) "
    "VALUES ($1, $2, $3, string_to_array($4, ','), $5, $6, $7)";
constexpr const char* kGetUia =
    "SELECT session_id, purpose, user_id, array_to_string(completed, ','), created_at, operation, "
    "params, registered_user FROM uia_sessions WHERE session_id = $1";
constexpr const char* kSetUiaRegistered = "UPDATE uia_sessions SET registered_user = $2 WHERE session_id = $1";
constexpr const char* kAddUiaStage =
    "UPDATE uia_sessions SET completed = array_append(completed, $2) WHERE session_id = $1 "
    "AND NOT ($2 = ANY (completed))";
constexpr const char* kDeleteUia = "DELETE FROM uia_sessions WHERE session_id = $1";

SessionInfo sessionFromRow(const pqxx::row& r) {
  return SessionInfo{r[0].as<int64_t>(), r[1].as<std::string>(), r[2].as<std::string>(),
                     optI64(r[3]), optI64(r[4]), r[5].as<bool>(), r[6].as<bool>()};
}

DeviceRecord deviceFromRow(const pqxx::row& r) {
  return DeviceRecord{r[0].as<std::string>(), optStr(r[1]), optStr(r[2]), optI64(r[3])};
}

int64_t insertSession(pqxx::work& tx, const std::string& user_id, const NewSession& s, int64_t now,
                      int64_t keep_until) {
  tx.exec_params(kUpsertDevice, user_id, s.device_id, s.device_display_name, s.ip, now);
  tx.exec_params(kRevokeDeviceSessions, user_id, s.device_id, keep_until);
  const auto refresh = s.tokens.refresh_hash;
  const auto r = refresh ? tx.exec_params1(kInsertSession, user_id, s.device_id,
                                           bytes(s.tokens.access_hash), s.tokens.access_expires_at,
                                           bytes(*refresh), s.tokens.refresh_expires_at, now)
                         : tx.exec_params1(kInsertSession, user_id, s.device_id,
                                           bytes(s.tokens.access_hash), s.tokens.access_expires_at,
                                           nullptr, s.tokens.refresh_expires_at, now);
  return r[0].as<int64_t>();
}

std::string joinStages(const std::vector<std::string>& stages) {
  std::string out;
  for (const auto& s : stages) {
    out += (out.empty() ? "" : ",") + s;
  }
  return out;
}

std::vector<std::string> splitStages(const std::string& joined) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < joined.size()) {
    size_t end = joined.find(',', start);
    if (end == std::string::npos) {
      end = joined.size();
    }
    out.push_back(joined.substr(start, end - start));
    start = end + 1;
  }
  return out;
}
}  // namespace

bool PgAccountStore::createUser(const UserRecord& user, const std::optional<NewSession>& session,
                                int64_t now) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const std::string local = user.user_id.substr(1, user.user_id.find(':') - 1);
  const auto r = tx.exec_params(kInsertUser, user.user_id, local, user.password_hash,
                                user.displayname, user.avatar_url, now, user.is_guest);
  if (r.affected_rows() == 0) {
    return false;  // rolled back by tx's destructor
  }
  if (session) {
    insertSession(tx, user.user_id, *session, now, now);
  }
  tx.commit();
  return true;
}

std::optional<UserRecord> PgAccountStore::findUser(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kSelectUser, user_id);
  if (r.empty()) {
    return std::nullopt;
  }
  const auto& row = r[0];
  return UserRecord{row[0].as<std::string>(), optStr(row[1]), optStr(row[2]), optStr(row[3]),
                    row[4].as<bool>(), row[5].as<bool>()};
}

int64_t PgAccountStore::createSession(const std::string& user_id, const NewSession& session,
                                      int64_t now) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const int64_t id = insertSession(tx, user_id, session, now, now + 30LL * 24 * 3600 * 1000);
  tx.commit();
  return id;
}

std::optional<SessionInfo> PgAccountStore::sessionByAccessHash(const std::string& hash) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_prepared(kSessionByAccess.name, bytes(hash));
  if (r.empty()) {
    return std::nullopt;
  }
  return sessionFromRow(r[0]);
}

std::optional<SessionInfo> PgAccountStore::sessionByRefreshHash(const std::string& hash) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(std::string(kSessionColumns) + "WHERE s.refresh_token_hash = $1",
                                bytes(hash));
  if (r.empty()) {
    return std::nullopt;
  }
  return sessionFromRow(r[0]);
}

bool PgAccountStore::rotateSession(int64_t session_id, const std::string& old_refresh_hash,
                                   const accounts::SessionTokens& fresh, int64_t keep_until) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kPruneInvalid, keep_until - 60LL * 24 * 3600 * 1000);
  const auto r = tx.exec_params(kRotateSession, session_id, bytes(old_refresh_hash),
                                bytes(fresh.access_hash), fresh.access_expires_at,
                                bytes(fresh.refresh_hash.value_or("")), fresh.refresh_expires_at,
                                keep_until);
  if (r.empty()) {
    return false;
  }
  tx.commit();
  return true;
}

std::optional<int64_t> PgAccountStore::sessionOfRotatedRefresh(const std::string& hash) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kRotatedRefresh, bytes(hash));
  if (r.empty() || r[0][0].is_null()) {
    return std::nullopt;
  }
  return r[0][0].as<int64_t>();
}

void PgAccountStore::revokeSession(int64_t session_id, int64_t keep_until) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kRevokeSession, session_id, keep_until);
  tx.commit();
}

std::vector<std::string> PgAccountStore::deleteDevices(const std::string& user_id,
                                                       const std::vector<std::string>& device_ids,
                                                       const std::optional<std::string>& keep_device,
                                                       int64_t keep_until) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  std::vector<std::string> targets = device_ids;
  if (targets.empty()) {
    for (const auto& row : tx.exec_params(kDeviceIds, user_id)) {
      if (!keep_device || row[0].as<std::string>() != *keep_device) {
        targets.push_back(row[0].as<std::string>());
      }
    }
  }
  std::vector<std::string> removed;
  for (const auto& device : targets) {
    tx.exec_params(kRevokeDeviceSessions, user_id, device, keep_until);
    if (tx.exec_params(kDeleteDevice, user_id, device).affected_rows() > 0) {
      removed.push_back(device);
    }
  }
  tx.commit();
  return removed;
}

bool PgAccountStore::upgradeGuest(const std::string& user_id,
                                  const std::optional<std::string>& password_hash) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kUpgradeGuest, user_id, password_hash);
  tx.commit();
  return r.affected_rows() == 1;
}

std::vector<DeviceRecord> PgAccountStore::listDevices(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<DeviceRecord> out;
  for (const auto& row : tx.exec_params(kListDevices, user_id)) {
    out.push_back(deviceFromRow(row));
  }
  return out;
}

std::optional<DeviceRecord> PgAccountStore::getDevice(const std::string& user_id,
                                                      const std::string& device_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kGetDevice, user_id, device_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return deviceFromRow(r[0]);
}

bool PgAccountStore::setDeviceDisplayName(const std::string& user_id, const std::string& device_id,
                                          const std::optional<std::string>& name) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kSetDeviceName, user_id, device_id, name);
  tx.commit();
  return r.affected_rows() == 1;
}

void PgAccountStore::touchDevice(const std::string& user_id, const std::string& device_id,
                                 const std::string& ip, int64_t now) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kTouchDevice, user_id, device_id, ip, now);
  tx.commit();
}

void PgAccountStore::setPasswordHash(const std::string& user_id, const std::string& hash) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kSetPassword, user_id, hash);
  tx.commit();
}

std::vector<std::string> PgAccountStore::deactivate(const std::string& user_id, int64_t keep_until) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  std::vector<std::string> removed;
  for (const auto& row : tx.exec_params(kDeviceIds, user_id)) {
    removed.push_back(row[0].as<std::string>());
    tx.exec_params(kRevokeDeviceSessions, user_id, removed.back(), keep_until);
  }
  tx.exec_params("DELETE FROM devices WHERE user_id = $1", user_id);
  tx.exec_params(kDeactivate, user_id);
  tx.commit();
  return removed;
}

void PgAccountStore::setProfileField(const std::string& user_id, const std::string& field,
                                     const std::optional<std::string>& value) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(field == "displayname" ? kSetDisplayName : kSetAvatarUrl, user_id, value);
  tx.commit();
}

void PgAccountStore::createUiaSession(const accounts::UiaSession& s) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kInsertUia, s.session_id, s.purpose, s.user_id, joinStages(s.completed),
                 s.created_at, s.operation, s.params);
  tx.commit();
}

std::optional<accounts::UiaSession> PgAccountStore::getUiaSession(const std::string& session_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kGetUia, session_id);
  if (r.empty()) {
    return std::nullopt;
  }
  const auto& row = r[0];
  return accounts::UiaSession{row[0].as<std::string>(), row[1].as<std::string>(), optStr(row[2]),
                              splitStages(row[3].as<std::string>()), row[4].as<int64_t>(),
                              row[5].as<std::string>(), optStr(row[6]).value_or(""), optStr(row[7])};
}

void PgAccountStore::addUiaCompleted(const std::string& session_id, const std::string& stage) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kAddUiaStage, session_id, stage);
  tx.commit();
}

void PgAccountStore::setUiaRegisteredUser(const std::string& session_id, const std::string& user_id) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kSetUiaRegistered, session_id, user_id);
  tx.commit();
}

void PgAccountStore::deleteUiaSession(const std::string& session_id) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kDeleteUia, session_id);
  tx.commit();
}

}  // namespace hs::db
