// PgRoomStore: the batched reads /sync makes, one statement for many rooms. Each runs as a
// single statement outside a transaction block: a statement sees one snapshot on its own, and
// BEGIN/COMMIT would triple the round trips of a sync that makes a dozen of them.
#include <pqxx/pqxx>

#include "db/pg_room_rows.h"
#include "db/pg_room_store.h"

namespace hs::db {

using rooms::StoredEvent;

namespace {
std::string select(const std::string& rest) {
  return std::string("SELECT ") + kStoredEventColumns + " FROM " + rest;
}

const std::string kStateEventOfRooms = select(
    "room_state s JOIN events e ON e.event_nid = s.event_nid "
    "WHERE s.room_id = ANY($1::text[]) "
    "AND s.key_nid = (SELECT k.key_nid FROM state_keys k WHERE k.type = $2 AND k.state_key = $3)");
// A LIMIT per room: the index (room_id, stream_pos) read backwards once per room.
const std::string kLatestEventsOfRooms = select(
    "unnest($1::text[], $2::bigint[]) AS r (room_id, from_excl) CROSS JOIN LATERAL ("
    "  SELECT x.* FROM events x WHERE x.room_id = r.room_id AND x.stream_pos > r.from_excl "
    "  AND x.stream_pos <= $3 ORDER BY x.stream_pos DESC LIMIT $4) e "
    "ORDER BY e.room_id, e.stream_pos DESC");
// stateAt for many rooms: each room's state group at its position, resolved through its
// parents (for each key the nearest layer wins), members filtered to $3 when it is not NULL.
// Each step of the chain looks its parent up through the primary key (OFFSET 0 keeps the
// lookup a per-row subquery: as a join, PostgreSQL hashed the whole of state_groups once per
// step, 80 ms for 80 rooms instead of 20).
const std::string kStateAtOfRooms =
    "WITH RECURSIVE start AS MATERIALIZED ("
    "  SELECT (SELECT x.state_group FROM events x WHERE x.room_id = r.room_id "
    "    AND x.stream_pos <= r.pos ORDER BY x.stream_pos DESC LIMIT 1) AS root "
    "  FROM unnest($1::text[], $2::bigint[]) AS r (room_id, pos)), "
    "chain (root, group_id, depth) AS ("
    "  SELECT root, root, 0 FROM start WHERE root IS NOT NULL "
    "  UNION ALL SELECT c.root, p.parent, c.depth + 1 FROM chain c CROSS JOIN LATERAL ("
    "    SELECT g.parent FROM state_groups g WHERE g.group_id = c.group_id OFFSET 0) p "
    "  WHERE p.parent IS NOT NULL), "
    "entries AS (SELECT DISTINCT ON (c.root, x.key_nid) x.event_nid FROM chain c "
    "  JOIN state_group_entries x ON x.group_id = c.group_id "
    "  JOIN state_keys k ON k.key_nid = x.key_nid "
    "  WHERE $3::text[] IS NULL OR k.type <> 'm.room.member' OR k.state_key = ANY($3::text[]) "
    "  ORDER BY c.root, x.key_nid, c.depth) " +
    select("entries s JOIN events e ON e.event_nid = s.event_nid ORDER BY e.room_id, e.stream_pos");
const std::string kMemberEventsOfRooms = select(
    "state_keys k JOIN room_state s ON s.key_nid = k.key_nid "
    "JOIN events e ON e.event_nid = s.event_nid "
    "WHERE k.type = 'm.room.member' AND k.state_key = ANY($2::text[]) "
    "AND s.room_id = ANY($1::text[])");
constexpr const char* kRoomSummaries =
    "SELECT r.room_id, "
    "  (SELECT count(*) FROM room_members m WHERE m.room_id = r.room_id AND m.membership = 'join'), "
    "  (SELECT count(*) FROM room_members m WHERE m.room_id = r.room_id AND m.membership = 'invite'), "
    "  ARRAY(SELECT m.user_id FROM room_members m WHERE m.room_id = r.room_id "
    "    AND m.membership IN ('join', 'invite') AND m.user_id <> $2 ORDER BY m.user_id LIMIT $3) "
    "FROM unnest($1::text[]) AS r (room_id)";

std::string bigintArray(const std::vector<int64_t>& items) {
  std::string out = "{";
  for (size_t i = 0; i < items.size(); ++i) {
    out += (i ? "," : "") + std::to_string(items[i]);
  }
  return out + "}";
}

// Splits (room, position) pairs into the two parallel arrays unnest() takes.
std::pair<std::vector<std::string>, std::string> split(
    const std::vector<std::pair<std::string, int64_t>>& pairs) {
  std::vector<std::string> rooms;
  std::vector<int64_t> positions;
  for (const auto& [room, pos] : pairs) {
    rooms.push_back(room);
    positions.push_back(pos);
  }
  return {std::move(rooms), bigintArray(positions)};
}

std::vector<std::string> textItems(const pqxx::field& f) {
  std::vector<std::string> out;
  auto parser = f.as_array();
  for (auto item = parser.get_next(); item.first != pqxx::array_parser::done; item = parser.get_next()) {
    if (item.first == pqxx::array_parser::string_value) {
      out.push_back(std::move(item.second));
    }
  }
  return out;
}
}  // namespace

std::vector<StoredEvent> PgRoomStore::stateEventOfRooms(const std::vector<std::string>& room_ids,
                                                        const std::string& type,
                                                        const std::string& state_key) {
  if (room_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  pqxx::nontransaction tx(lease.get());
  return storedEvents(tx.exec_params(kStateEventOfRooms, textArray(tx, room_ids), type, state_key));
}

std::vector<StoredEvent> PgRoomStore::latestEventsOfRooms(
    const std::vector<std::pair<std::string, int64_t>>& rooms_from, int64_t to_incl, size_t limit) {
  if (rooms_from.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  pqxx::nontransaction tx(lease.get());
  const auto [rooms, froms] = split(rooms_from);
  return storedEvents(tx.exec_params(kLatestEventsOfRooms, textArray(tx, rooms), froms, to_incl,
                                     static_cast<int64_t>(limit)));
}

std::vector<StoredEvent> PgRoomStore::stateAtOfRooms(
    const std::vector<std::pair<std::string, int64_t>>& rooms_at,
    const std::optional<std::vector<std::string>>& members) {
  if (rooms_at.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  pqxx::nontransaction tx(lease.get());
  const auto [rooms, positions] = split(rooms_at);
  std::optional<std::string> member_keys;
  if (members) {
    member_keys = textArray(tx, *members);
  }
  return storedEvents(tx.exec_params(kStateAtOfRooms, textArray(tx, rooms), positions, member_keys));
}

std::vector<StoredEvent> PgRoomStore::memberEventsOfRooms(const std::vector<std::string>& room_ids,
                                                          const std::vector<std::string>& user_ids) {
  if (room_ids.empty() || user_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  pqxx::nontransaction tx(lease.get());
  return storedEvents(
      tx.exec_params(kMemberEventsOfRooms, textArray(tx, room_ids), textArray(tx, user_ids)));
}

std::vector<rooms::RoomSummary> PgRoomStore::roomSummaries(const std::vector<std::string>& room_ids,
                                                           const std::string& user_id,
                                                           size_t max_heroes) {
  if (room_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  pqxx::nontransaction tx(lease.get());
  std::vector<rooms::RoomSummary> out;
  for (const auto& row : tx.exec_params(kRoomSummaries, textArray(tx, room_ids), user_id,
                                        static_cast<int64_t>(max_heroes))) {
    out.push_back({row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int64_t>(),
                   textItems(row[3])});
  }
  return out;
}

}  // namespace hs::db
