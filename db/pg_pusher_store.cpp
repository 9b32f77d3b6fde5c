#include "db/pg_pusher_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"
#include "db/prepared.h"

namespace hs::db {

namespace {
constexpr const char* kUpsert =
    "INSERT INTO pushers (user_id, app_id, pushkey, kind, app_display_name, device_display_name, "
    "profile_tag, lang, data, pushkey_ts, device_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) "
    "ON CONFLICT (app_id, pushkey, user_id) DO UPDATE SET kind = EXCLUDED.kind, "
    "app_display_name = EXCLUDED.app_display_name, device_display_name = EXCLUDED.device_display_name, "
    "profile_tag = EXCLUDED.profile_tag, lang = EXCLUDED.lang, data = EXCLUDED.data, "
    "pushkey_ts = EXCLUDED.pushkey_ts, device_id = EXCLUDED.device_id";
constexpr const char* kRemoveOthers =
    "DELETE FROM pushers WHERE app_id = $1 AND pushkey = $2 AND user_id <> $3";
constexpr const char* kRemoveAllBut =
    "DELETE FROM pushers WHERE user_id = $1 AND device_id IS DISTINCT FROM $2";
constexpr const char* kRemove = "DELETE FROM pushers WHERE user_id = $1 AND app_id = $2 AND pushkey = $3";
constexpr const char* kList =
    "SELECT user_id, app_id, pushkey, kind, app_display_name, device_display_name, profile_tag, "
    "lang, data, pushkey_ts, device_id FROM pushers WHERE user_id = $1 ORDER BY app_id, pushkey";
const Prepared kWithPushers = prepared(  // once per event that notifies anyone
    "pushers_with", "SELECT DISTINCT user_id FROM pushers WHERE user_id = ANY($1::text[])");
}  // namespace

void PgPusherStore::upsert(const pushers::Pusher& p, bool append) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  if (!append) {
    tx.exec_params(kRemoveOthers, p.app_id, p.pushkey, p.user_id);
  }
  tx.exec_params(kUpsert, p.user_id, p.app_id, p.pushkey, p.kind, p.app_display_name,
                 p.device_display_name, p.profile_tag, p.lang, p.data, p.pushkey_ts, p.device_id);
  tx.commit();
}

bool PgPusherStore::remove(const std::string& user_id, const std::string& app_id, const std::string& pushkey) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kRemove, user_id, app_id, pushkey);
  tx.commit();
  return r.affected_rows() == 1;
}

void PgPusherStore::removeAllBut(const std::string& user_id, const std::string& keep_device) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kRemoveAllBut, user_id, keep_device);
  tx.commit();
}

std::set<std::string> PgPusherStore::withPushers(const std::vector<std::string>& user_ids) {
  std::set<std::string> out;
  if (user_ids.empty()) {
    return out;
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  for (const auto& r : tx.exec_prepared(kWithPushers.name, textArray(tx, user_ids))) {
    out.insert(r[0].as<std::string>());
  }
  return out;
}

std::vector<pushers::Pusher> PgPusherStore::list(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<pushers::Pusher> out;
  for (const auto& r : tx.exec_params(kList, user_id)) {
    out.push_back({r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                   r[3].as<std::string>(), r[4].as<std::string>(), r[5].as<std::string>(),
                   optStr(r[6]), r[7].as<std::string>(), r[8].as<std::string>(), r[9].as<int64_t>(),
                   optStr(r[10])});
  }
  return out;
}

}  // namespace hs::db
