#include "db/pg_account_data_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"
#include "db/prepared.h"

namespace hs::db {

using account_data::AccountDataEvent;

namespace {
constexpr const char* kGet =
    "SELECT content FROM account_data WHERE user_id = $1 AND room_id = $2 AND type = $3";
const Prepared kGetForUsers = prepared(  // once per sent event
    "account_data_for_users",
    "SELECT user_id, content FROM account_data WHERE user_id = ANY($1::text[]) AND room_id = $2 "
    "AND type = $3");
constexpr const char* kUpsert =
    "INSERT INTO account_data (user_id, room_id, type, content, stream_pos) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id, room_id, type) DO UPDATE SET "
    "content = EXCLUDED.content, stream_pos = EXCLUDED.stream_pos";
// Creates the row when missing and row-locks it either way, returning the content it had:
// concurrent read-modify-writes of one key then run one after the other.
constexpr const char* kLockForChange =
    "INSERT INTO account_data (user_id, room_id, type, content, stream_pos) "
    "VALUES ($1, $2, $3, '{}', $4) ON CONFLICT (user_id, room_id, type) DO UPDATE SET "
    "stream_pos = EXCLUDED.stream_pos RETURNING content";
constexpr const char* kSetContent =
    "UPDATE account_data SET content = $4 WHERE user_id = $1 AND room_id = $2 AND type = $3";
constexpr const char* kChangedSince =
    "SELECT room_id, type, content FROM account_data "
    "WHERE user_id = $1 AND stream_pos > $2 AND stream_pos <= $3 ORDER BY stream_pos";
}  // namespace

std::map<std::string, std::string> PgAccountDataStore::getForUsers(
    const std::vector<std::string>& user_ids, const std::string& room_id, const std::string& type) {
  std::map<std::string, std::string> out;
  if (user_ids.empty()) {
    return out;
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  for (const auto& row : tx.exec_prepared(kGetForUsers.name, textArray(tx, user_ids), room_id, type)) {
    out.emplace(row[0].as<std::string>(), row[1].as<std::string>());
  }
  return out;
}

std::optional<std::string> PgAccountDataStore::get(const std::string& user_id,
                                                   const std::string& room_id,
                                                   const std::string& type) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kGet, user_id, room_id, type);
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<std::string>();
}

void PgAccountDataStore::put(const std::string& user_id, const std::string& room_id,
                             const std::string& type, const std::string& content,
                             int64_t stream_pos) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kUpsert, user_id, room_id, type, content, stream_pos);
  tx.commit();
}

void PgAccountDataStore::modify(const std::string& user_id, const std::string& room_id,
                                const std::string& type, const Change& change,
                                int64_t stream_pos) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params1(kLockForChange, user_id, room_id, type, stream_pos);
  const std::string updated = change(r[0].as<std::string>());
  tx.exec_params(kSetContent, user_id, room_id, type, updated);
  tx.commit();
}

std::vector<AccountDataEvent> PgAccountDataStore::changedSince(const std::string& user_id,
                                                               int64_t from_exclusive,
                                                               int64_t to_inclusive) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<AccountDataEvent> out;
  for (const auto& row : tx.exec_params(kChangedSince, user_id, from_exclusive, to_inclusive)) {
    out.push_back(AccountDataEvent{row[0].as<std::string>(), row[1].as<std::string>(),
                                   row[2].as<std::string>()});
  }
  return out;
}

}  // namespace hs::db
