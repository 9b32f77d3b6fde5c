#include "db/pg_presence_store.h"

#include <pqxx/pqxx>

#include "db/pg_outbox.h"
#include "db/pg_util.h"

namespace hs::db {

using presence::PresenceRecord;

namespace {
constexpr const char* kGet =
    "SELECT user_id, state, status_msg, last_active_ts, stream_pos FROM presence "
    "WHERE user_id = $1";
constexpr const char* kUpsert =
    "INSERT INTO presence (user_id, state, status_msg, last_active_ts, stream_pos) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (user_id) DO UPDATE SET state = EXCLUDED.state, "
    "status_msg = EXCLUDED.status_msg, last_active_ts = EXCLUDED.last_active_ts, "
    "stream_pos = EXCLUDED.stream_pos";
constexpr const char* kChangedSince =
    "SELECT user_id, state, status_msg, last_active_ts, stream_pos FROM presence "
    "WHERE stream_pos > $1 AND stream_pos <= $2 ORDER BY stream_pos";

PresenceRecord fromRow(const pqxx::row& r) {
  return PresenceRecord{r[0].as<std::string>(), r[1].as<std::string>(), optStr(r[2]), optI64(r[3]),
                        r[4].as<int64_t>()};
}
}  // namespace

std::optional<PresenceRecord> PgPresenceStore::get(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kGet, user_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return fromRow(r[0]);
}

void PgPresenceStore::put(const PresenceRecord& record, const std::vector<outbound::Edu>& edus) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kUpsert, record.user_id, record.state, record.status_msg, record.last_active_ts,
                 record.stream_pos);
  enqueueEdus(tx, edus);
  tx.commit();
}

std::vector<PresenceRecord> PgPresenceStore::changedSince(int64_t from_exclusive,
                                                          int64_t to_inclusive) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<PresenceRecord> out;
  for (const auto& row : tx.exec_params(kChangedSince, from_exclusive, to_inclusive)) {
    out.push_back(fromRow(row));
  }
  return out;
}

}  // namespace hs::db
