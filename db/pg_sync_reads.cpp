// PgRoomStore: the batched reads /sync makes, one statement for many rooms (ReadTx: outside a
// transaction block).
#include <pqxx/pqxx>
#include <map>
#include <memory>
#include <set>

#include "db/pg_room_rows.h"
#include "db/pg_room_store.h"
#include "homeserver/services/rooms/event.h"

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
// The state group of each room's last event at or before its position (NULL before any).
constexpr const char* kGroupsAt =
    "SELECT r.room_id, (SELECT x.state_group FROM events x WHERE x.room_id = r.room_id "
    "  AND x.stream_pos <= r.pos ORDER BY x.stream_pos DESC LIMIT 1) "
    "FROM unnest($1::text[], $2::bigint[]) AS r (room_id, pos)";
const std::string kEventsByNid =
    select("events e WHERE e.event_nid = ANY($1::bigint[]) ORDER BY e.room_id, e.stream_pos");
const std::string kMemberEventsOfRooms = select(
    "state_keys k JOIN room_state s ON s.key_nid = k.key_nid "
    "JOIN events e ON e.event_nid = s.event_nid "
    "WHERE k.type = 'm.room.member' AND k.state_key = ANY($2::text[]) "
    "AND s.room_id = ANY($1::text[])");
// Per candidate, a search that stops at the first shared room.
constexpr const char* kSharingAmong =
    "SELECT c.user_id FROM unnest($2::text[]) AS c (user_id) WHERE EXISTS ("
    "  SELECT 1 FROM room_members a JOIN room_members b ON b.room_id = a.room_id "
    "  WHERE a.user_id = $1 AND a.membership = 'join' AND b.user_id = c.user_id "
    "  AND b.membership = 'join')";
// A room's membership version: the newest membership event's position (room_members is
// upserted with it on every membership change, one room's changes in commit order).
constexpr const char* kMembershipVersions =
    "SELECT r.room_id, (SELECT m.stream_pos FROM room_members m WHERE m.room_id = r.room_id "
    "  ORDER BY m.stream_pos DESC LIMIT 1) FROM unnest($1::text[]) AS r (room_id)";
// Hero candidates for any viewer: one more than asked, as the viewer is left out afterwards.
constexpr const char* kRoomSummaries =
    "SELECT r.room_id, "
    "  (SELECT count(*) FROM room_members m WHERE m.room_id = r.room_id AND m.membership = 'join'), "
    "  (SELECT count(*) FROM room_members m WHERE m.room_id = r.room_id AND m.membership = 'invite'), "
    "  ARRAY(SELECT m.user_id FROM room_members m WHERE m.room_id = r.room_id "
    "    AND m.membership IN ('join', 'invite') ORDER BY m.user_id LIMIT $2) "
    "FROM unnest($1::text[]) AS r (room_id)";
constexpr size_t kMaxCachedSummaries = 100000;

// Splits (room, position) pairs into the two parallel arrays unnest() takes.
std::pair<std::vector<std::string>, std::string> split(
    const std::vector<std::pair<std::string, int64_t>>& pairs) {
  std::vector<std::string> rooms;
  std::vector<int64_t> positions;
  for (const auto& [room, pos] : pairs) {
    rooms.push_back(room);
    positions.push_back(pos);
  }
  return {std::move(rooms), numberArray(positions)};
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
  ReadTx tx(lease.get());
  return storedEvents(tx.exec_params(kStateEventOfRooms, textArray(tx, room_ids), type, state_key));
}

std::vector<StoredEvent> PgRoomStore::latestEventsOfRooms(
    const std::vector<std::pair<std::string, int64_t>>& rooms_from, int64_t to_incl, size_t limit) {
  if (rooms_from.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto [rooms, froms] = split(rooms_from);
  return storedEvents(tx.exec_params(kLatestEventsOfRooms, textArray(tx, rooms), froms, to_incl,
                                     static_cast<int64_t>(limit)));
}

// The groups come resolved from the cache (state groups never change); only the events are
// read, and with `members` only the member events of those users.
std::vector<StoredEvent> PgRoomStore::stateAtOfRooms(
    const std::vector<std::pair<std::string, int64_t>>& rooms_at,
    const std::optional<std::map<std::string, std::set<std::string>>>& members) {
  if (rooms_at.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto [rooms, positions] = split(rooms_at);
  std::vector<int64_t> groups;
  std::map<int64_t, std::string> room_of;  // a group belongs to one room
  for (const auto& row : tx.exec_params(kGroupsAt, textArray(tx, rooms), positions)) {
    if (!row[1].is_null()) {
      groups.push_back(row[1].as<int64_t>());
      room_of[groups.back()] = row[0].as<std::string>();
    }
  }
  const auto resolved = state_cache_.resolve(tx, groups);
  std::vector<int32_t> key_nids;
  for (const auto& [group, entries] : resolved) {
    for (const auto& [key_nid, event_nid] : members ? *entries : StateGroupCache::Resolved{}) {
      key_nids.push_back(key_nid);
    }
  }
  const auto keys = state_cache_.keys(tx, key_nids);
  const std::set<std::string> nobody;
  std::vector<int64_t> event_nids;
  for (const auto& [group, entries] : resolved) {
    const std::set<std::string>* wanted = &nobody;  // the users whose member events are kept
    if (members) {
      const auto listed = members->find(room_of[group]);
      wanted = listed == members->end() ? &nobody : &listed->second;
    }
    for (const auto& [key_nid, event_nid] : *entries) {
      const auto k = keys.find(key_nid);
      const bool shown = !members || (k != keys.end() && (k->second.type != rooms::kMember ||
                                                          wanted->count(k->second.state_key)));
      if (shown) {
        event_nids.push_back(event_nid);
      }
    }
  }
  if (event_nids.empty()) {
    return {};
  }
  return storedEvents(tx.exec_params(kEventsByNid, numberArray(event_nids)));
}

std::vector<StoredEvent> PgRoomStore::memberEventsOfRooms(const std::vector<std::string>& room_ids,
                                                          const std::vector<std::string>& user_ids) {
  if (room_ids.empty() || user_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return storedEvents(
      tx.exec_params(kMemberEventsOfRooms, textArray(tx, room_ids), textArray(tx, user_ids)));
}

std::vector<std::string> PgRoomStore::usersSharingRoomAmong(const std::string& user_id,
                                                           const std::vector<std::string>& candidates) {
  if (candidates.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<std::string> out;
  for (const auto& row : tx.exec_params(kSharingAmong, user_id, textArray(tx, candidates))) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

// Counting a room's members reads all of them (300 rooms of 300 members: 90,000 rows per
// initial sync), and the counts change only with membership: they are kept per room with the
// membership version they were counted at, and counted again once it moves.
std::vector<rooms::RoomSummary> PgRoomStore::roomSummaries(const std::vector<std::string>& room_ids,
                                                           const std::string& user_id,
                                                           size_t max_heroes) {
  if (room_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::map<std::string, int64_t> versions;  // read before the counts: never cache newer as older
  for (const auto& row : tx.exec_params(kMembershipVersions, textArray(tx, room_ids))) {
    versions[row[0].as<std::string>()] = row[1].is_null() ? 0 : row[1].as<int64_t>();
  }
  std::map<std::string, std::shared_ptr<const CachedSummary>> found;
  std::vector<std::string> stale;
  {
    std::lock_guard lock(summaries_mu_);
    for (const auto& [room_id, version] : versions) {
      const auto it = summaries_.find(room_id);
      if (it != summaries_.end() && it->second->version == version &&
          it->second->heroes_asked >= max_heroes + 1) {
        found[room_id] = it->second;
      } else {
        stale.push_back(room_id);
      }
    }
  }
  if (!stale.empty()) {
    const auto rows = tx.exec_params(kRoomSummaries, textArray(tx, stale), static_cast<int64_t>(max_heroes + 1));
    std::lock_guard lock(summaries_mu_);
    if (summaries_.size() + stale.size() > kMaxCachedSummaries) {
      summaries_.clear();
    }
    for (const auto& row : rows) {
      const std::string room_id = row[0].as<std::string>();
      auto cached = std::make_shared<const CachedSummary>(CachedSummary{
          versions[room_id], max_heroes + 1,
          {room_id, row[1].as<int64_t>(), row[2].as<int64_t>(), textItems(row[3])}});
      summaries_[room_id] = cached;
      found[room_id] = std::move(cached);
    }
  }
  std::vector<rooms::RoomSummary> out;
  for (const auto& [room_id, cached] : found) {
    rooms::RoomSummary s = cached->summary;
    std::erase(s.heroes, user_id);
    s.heroes.resize(std::min(s.heroes.size(), max_heroes));
    out.push_back(std::move(s));
  }
  return out;
}

}  // namespace hs::db
