#include "db/pg_receipt_store.h"

#include "db/pg_outbox.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"

#include "db/pg_room_rows.h"

namespace hs::db {

namespace {
constexpr const char* kPut =
    "INSERT INTO receipts (room_id, user_id, receipt_type, thread_id, event_id, ts, stream_pos) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (room_id, user_id, receipt_type, thread_id) "
    "DO UPDATE SET event_id = EXCLUDED.event_id, ts = EXCLUDED.ts, stream_pos = EXCLUDED.stream_pos";
constexpr const char* kBetween =
    "SELECT room_id, user_id, receipt_type, thread_id, event_id, ts, stream_pos FROM receipts "
    "WHERE room_id = ANY($1::text[]) AND stream_pos > $2 AND stream_pos <= $3 ORDER BY stream_pos";
// Counted from the later of the user's newest receipt and `since` (their join).
constexpr const char* kUnread =
    "SELECT count(*) FROM events e WHERE e.room_id = $1 AND e.sender <> $2 "
    "AND e.type IN ('m.room.message', 'm.room.encrypted', 'm.sticker') AND e.redacted_by IS NULL "
    "AND e.stream_pos > GREATEST($3, COALESCE((SELECT max(x.stream_pos) FROM receipts r "
    "  JOIN events x ON x.event_id = r.event_id WHERE r.room_id = $1 AND r.user_id = $2 "
    "  AND r.receipt_type IN ('m.read', 'm.read.private')), 0))";
}  // namespace

void PgReceiptStore::put(const ephemeral::Receipt& r, const std::vector<outbound::Edu>& edus) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kPut, r.room_id, r.user_id, r.receipt_type, r.thread_id, r.event_id, r.ts, r.stream_pos);
  enqueueEdus(tx, edus);
  tx.commit();
}

std::vector<ephemeral::Receipt> PgReceiptStore::between(const std::vector<std::string>& room_ids,
                                                        int64_t from_excl, int64_t to_incl) {
  if (room_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<ephemeral::Receipt> out;
  for (const auto& row : tx.exec_params(kBetween, textArray(tx, room_ids), from_excl, to_incl)) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>(),
                   row[3].as<std::string>(), row[4].as<std::string>(), row[5].as<int64_t>(),
                   row[6].as<int64_t>()});
  }
  return out;
}

std::vector<std::pair<std::string, int64_t>> PgReceiptStore::unreadCounts(
    const std::string& user_id, const std::vector<std::pair<std::string, int64_t>>& rooms_since) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<std::pair<std::string, int64_t>> out;
  for (const auto& [room_id, since] : rooms_since) {
    out.emplace_back(room_id, tx.exec_params1(kUnread, room_id, user_id, since)[0].as<int64_t>());
  }
  return out;
}

}  // namespace hs::db
