// Thread summaries for bundling with their roots (unsigned.m.relations.m.thread).
#include <pqxx/pqxx>

#include "db/pg_room_rows.h"
#include "db/pg_room_store.h"

namespace hs::db {

namespace {
// Per root: its newest thread event (DISTINCT ON keeps the first row per root), how many there
// are and whether the viewer took part. Window functions run before DISTINCT ON, so they see
// every event of the thread. Only timeline events in the root's room count, as for reactions.
const std::string kThreadSummaries =
    std::string("SELECT DISTINCT ON (e.relates_to) ") + kStoredEventColumns +
    ", e.relates_to, count(*) OVER (PARTITION BY e.relates_to), "
    "bool_or(e.sender = $2) OVER (PARTITION BY e.relates_to) OR p.sender = $2 "
    "FROM events e JOIN events p ON p.event_id = e.relates_to "
    "WHERE e.relates_to = ANY($1::text[]) AND e.rel_type = 'm.thread' AND e.redacted_by IS NULL "
    "AND e.room_id = p.room_id AND e.stream_pos > $3 AND e.stream_pos <= $4 "
    "ORDER BY e.relates_to, e.stream_pos DESC";
}  // namespace

std::vector<rooms::ThreadSummary> PgRoomStore::threadSummaries(const std::vector<std::string>& root_ids,
                                                               const std::string& viewer,
                                                               const rooms::VisibleRange& visible) {
  if (root_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<rooms::ThreadSummary> out;
  for (const auto& row : tx.exec_params(kThreadSummaries, textArray(tx, root_ids), viewer,
                                        visible.from_excl, visible.to_incl)) {
    out.push_back(rooms::ThreadSummary{row[kStoredEventColumnCount].as<std::string>(), storedEventFromRow(row),
                                       row[kStoredEventColumnCount + 1].as<int64_t>(), row[kStoredEventColumnCount + 2].as<bool>()});
  }
  return out;
}

}  // namespace hs::db
