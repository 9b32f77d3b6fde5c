#pragma once
// Row mapping shared by the room store's reader and writer.
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "db/pg_util.h"
#include "homeserver/services/rooms/room_store.h"

namespace hs::db {

// The columns every StoredEvent query selects, in this order (table alias e). State that is not
// in the timeline (imported with a remote room, outliers) reads as position 0.
inline constexpr const char* kStoredEventColumns =
    "e.event_id, e.room_id, e.type, e.state_key, e.sender, COALESCE(e.stream_pos, 0), "
    "e.origin_server_ts, e.client_json, e.prev_content, e.prev_sender, e.redacted_by, "
    "e.txn_device, e.txn_id, e.depth";
// The index of the first column a query selects after kStoredEventColumns.
inline constexpr int kStoredEventColumnCount = 14;

inline rooms::StoredEvent storedEventFromRow(const pqxx::row& r) {
  rooms::StoredEvent e;
  e.event_id = r[0].as<std::string>();
  e.room_id = r[1].as<std::string>();
  e.type = r[2].as<std::string>();
  e.state_key = optStr(r[3]);
  e.sender = r[4].as<std::string>();
  e.stream_pos = r[5].as<int64_t>();
  e.origin_server_ts = r[6].as<int64_t>();
  e.client_json = r[7].as<std::string>();
  e.prev_content = optStr(r[8]);
  e.prev_sender = optStr(r[9]);
  e.redacted_by = optStr(r[10]);
  e.txn_device = optStr(r[11]);
  e.txn_id = optStr(r[12]);
  e.depth = r[13].as<int64_t>();
  return e;
}

inline std::vector<rooms::StoredEvent> storedEvents(const pqxx::result& r) {
  std::vector<rooms::StoredEvent> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    out.push_back(storedEventFromRow(row));
  }
  return out;
}


}  // namespace hs::db
