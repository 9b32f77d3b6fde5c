// PgRoomStore: what per-event history visibility is computed from.
#include <pqxx/pqxx>

#include "db/pg_room_rows.h"
#include "db/pg_room_store.h"

namespace hs::db {

namespace {
// The type list repeats the index's predicate (migration 0032) so the planner can use it.
const std::string kVisibilityHistory =
    std::string("SELECT ") + kStoredEventColumns +
    " FROM events e WHERE e.room_id = ANY($1::text[]) "
    "AND e.type IN ('m.room.history_visibility', 'm.room.member') "
    "AND e.state_key = ANY(ARRAY['', $2]) "
    // Never a rejected or soft-failed event; of the events outside the timeline (a remote
    // room's imported state) only the visibility counts, from the beginning (position 0).
    "AND e.rejected IS NULL AND NOT e.soft_failed "
    "AND (e.stream_pos IS NOT NULL OR e.type = 'm.room.history_visibility') "
    "ORDER BY e.room_id, e.stream_pos NULLS FIRST";
}  // namespace

std::vector<rooms::StoredEvent> PgRoomStore::visibilityHistory(const std::vector<std::string>& room_ids,
                                                               const std::string& user_id) {
  if (room_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  auto events = storedEvents(tx.exec_params(kVisibilityHistory, textArray(tx, room_ids), user_id));
  // A member event keyed "" or a visibility event keyed by the user is neither.
  std::erase_if(events, [&](const rooms::StoredEvent& e) {
    return e.type == "m.room.member" ? e.state_key != user_id : e.state_key != "";
  });
  return events;
}

}  // namespace hs::db
