#include "db/pg_threepid_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"

namespace hs::db {

using email::ThreepidSession;

namespace {
#define SESSION_COLUMNS                                                                          \
  "sid, client_secret, medium, address, purpose, user_id, code_hash, link_hash, send_attempt, " \
  "failed_attempts, expires_at, validated_at, created_at"
constexpr const char* kSessionFor = "SELECT " SESSION_COLUMNS
    " FROM threepid_sessions WHERE client_secret = $1 AND medium = 'email' AND address = $2 "
    "AND purpose = $3";
constexpr const char* kSession = "SELECT " SESSION_COLUMNS " FROM threepid_sessions WHERE sid = $1";
constexpr const char* kSessionOfUia = "SELECT " SESSION_COLUMNS
    " FROM threepid_sessions WHERE uia_session = $1 AND validated_at IS NOT NULL";
// A new send_attempt replaces the code and starts the session over.
constexpr const char* kSave =
    "INSERT INTO threepid_sessions (" SESSION_COLUMNS ") "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, $10, NULL, $11) "
    "ON CONFLICT (sid) DO UPDATE SET code_hash = EXCLUDED.code_hash, link_hash = EXCLUDED.link_hash, "
    "send_attempt = EXCLUDED.send_attempt, failed_attempts = 0, expires_at = EXCLUDED.expires_at, "
    "validated_at = NULL, uia_session = NULL";
#undef SESSION_COLUMNS
constexpr const char* kFailure =
    "UPDATE threepid_sessions SET failed_attempts = failed_attempts + 1 WHERE sid = $1 "
    "RETURNING failed_attempts";
constexpr const char* kValidated = "UPDATE threepid_sessions SET validated_at = $2 WHERE sid = $1";
constexpr const char* kSetUia = "UPDATE threepid_sessions SET uia_session = $2 WHERE sid = $1";
constexpr const char* kBind =
    "INSERT INTO user_threepids (medium, address, user_id, validated_at, added_at) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING";
constexpr const char* kUnbind =
    "DELETE FROM user_threepids WHERE user_id = $1 AND medium = $2 AND address = $3";
constexpr const char* kUserOf = "SELECT user_id FROM user_threepids WHERE medium = $1 AND address = $2";
constexpr const char* kThreepids =
    "SELECT medium, address, user_id, validated_at, added_at FROM user_threepids "
    "WHERE user_id = $1 ORDER BY added_at, address";

ThreepidSession fromRow(const pqxx::row& r) {
  ThreepidSession s;
  s.sid = r[0].as<std::string>();
  s.client_secret = r[1].as<std::string>();
  s.medium = r[2].as<std::string>();
  s.address = r[3].as<std::string>();
  s.purpose = r[4].as<std::string>();
  s.user_id = optStr(r[5]);
  s.code_hash = bytesOf(r[6]);
  s.link_hash = bytesOf(r[7]);
  s.send_attempt = r[8].as<int64_t>();
  s.failed_attempts = r[9].as<int>();
  s.expires_at = r[10].as<int64_t>();
  s.validated_at = optI64(r[11]);
  s.created_at = r[12].as<int64_t>();
  return s;
}

template <typename... Args>
std::optional<ThreepidSession> one(Pool& pool, const char* sql, const Args&... args) {
  auto lease = pool.acquire();
  ReadTx tx(lease.get());
  const pqxx::result r = tx.exec_params(sql, args...);
  if (r.empty()) {
    return std::nullopt;
  }
  return fromRow(r[0]);
}
}  // namespace

std::optional<ThreepidSession> PgThreepidStore::sessionFor(const std::string& client_secret,
                                                           const std::string& address,
                                                           const std::string& purpose) {
  return one(pool_, kSessionFor, client_secret, address, purpose);
}

std::optional<ThreepidSession> PgThreepidStore::session(const std::string& sid) {
  return one(pool_, kSession, sid);
}

std::optional<ThreepidSession> PgThreepidStore::sessionOfUia(const std::string& uia_session) {
  return one(pool_, kSessionOfUia, uia_session);
}

void PgThreepidStore::saveSession(const ThreepidSession& s) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kSave, s.sid, s.client_secret, s.medium, s.address, s.purpose, s.user_id,
                 bytes(s.code_hash), bytes(s.link_hash), s.send_attempt, s.expires_at, s.created_at);
  tx.commit();
}

int PgThreepidStore::recordFailure(const std::string& sid) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kFailure, sid);
  tx.commit();
  return r.empty() ? 0 : r[0][0].as<int>();
}

void PgThreepidStore::markValidated(const std::string& sid, int64_t now) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kValidated, sid, now);
  tx.commit();
}

void PgThreepidStore::setUiaSession(const std::string& sid, const std::string& uia_session) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kSetUia, sid, uia_session);
  tx.commit();
}

bool PgThreepidStore::bind(const email::BoundThreepid& t) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kBind, t.medium, t.address, t.user_id, t.validated_at, t.added_at);
  tx.commit();
  return r.affected_rows() == 1;
}

bool PgThreepidStore::unbind(const std::string& user_id, const std::string& medium,
                             const std::string& address) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kUnbind, user_id, medium, address);
  tx.commit();
  return r.affected_rows() == 1;
}

std::optional<std::string> PgThreepidStore::userOf(const std::string& medium, const std::string& address) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kUserOf, medium, address);
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<std::string>();
}

std::vector<email::BoundThreepid> PgThreepidStore::threepids(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<email::BoundThreepid> out;
  for (const auto& row : tx.exec_params(kThreepids, user_id)) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                   row[3].as<int64_t>(), row[4].as<int64_t>()});
  }
  return out;
}

}  // namespace hs::db
