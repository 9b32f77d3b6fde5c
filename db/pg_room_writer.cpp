// PgRoomWriter: the room lock and what the pipeline reads under it.
#include "db/pg_room_writer.h"

#include "db/pg_room_rows.h"
#include "db/pg_room_store.h"
#include "db/prepared.h"

namespace hs::db {

namespace {
// The room row, locked. Nothing else is read here: a statement that waited for the lock
// still reads other tables as of its start, so the previous writer's extremities would be
// missed (two events on one parent).
const Prepared kLockRoom = prepared(
    "room_lock",
    "SELECT room_id, room_version, creator, is_public FROM rooms WHERE room_id = $1 FOR UPDATE");
// Once locked, everything an append needs: the current state group and its chain, and the
// forward extremities (as JSON [[event_id, depth], ...]).
const Prepared kRoomHead = prepared(
    "room_head",
    "SELECT r.state_group, g.chain_length, g.snapshot_size, "
    "  (SELECT json_agg(json_build_array(x.event_id, x.depth)) "
    "   FROM room_extremities x WHERE x.room_id = r.room_id)::text "
    "FROM rooms r LEFT JOIN state_groups g ON g.group_id = r.state_group WHERE r.room_id = $1");
constexpr const char* kInsertRoom =
    "INSERT INTO rooms (room_id, room_version, creator, is_public, created_at) "
    "VALUES ($1, $2, $3, $4, $5)";
const Prepared kStateEvents = prepared(
    "room_auth_state",
    "SELECT e.pdu_json, e.event_id, e.rejected IS NOT NULL, $4::text FROM room_state s "
    "JOIN state_keys k ON k.key_nid = s.key_nid JOIN events e ON e.event_nid = s.event_nid "
    "WHERE s.room_id = $1 AND (k.type, k.state_key) IN (SELECT * FROM unnest($2::text[], $3::text[]))");
constexpr const char* kKeyNids =
    "SELECT key_nid FROM state_keys WHERE (type, state_key) IN "
    "(SELECT * FROM unnest($1::text[], $2::text[]))";
constexpr const char* kEventsByNid =
    "SELECT e.pdu_json, e.event_id, e.rejected IS NOT NULL, r.room_version FROM events e "
    "JOIN rooms r ON r.room_id = e.room_id WHERE e.event_nid = ANY($1::bigint[])";
constexpr const char* kEventIdsByNid =
    "SELECT event_nid, event_id FROM events WHERE event_nid = ANY($1::bigint[])";
const Prepared kEventMeta = prepared(
    "room_event_meta",
    "SELECT event_id, room_id, depth, state_group, stream_pos, outlier, rejected IS NOT NULL, "
    "soft_failed FROM events WHERE event_id = ANY($1::text[])");
constexpr const char* kEvents =
    "SELECT e.pdu_json, e.event_id, e.rejected IS NOT NULL, r.room_version FROM events e "
    "JOIN rooms r ON r.room_id = e.room_id WHERE e.event_id = ANY($1::text[])";
// UNION (not UNION ALL) stops at events already reached: auth chains share most of their
// events.
constexpr const char* kAuthChains =
    "WITH RECURSIVE chain (event_id) AS (SELECT unnest($1::text[]) "
    "  UNION SELECT a.id FROM chain c JOIN events e ON e.event_id = c.event_id "
    "  CROSS JOIN LATERAL unnest(e.auth_ids) AS a (id)) "
    "SELECT e.pdu_json, e.event_id, e.rejected IS NOT NULL, r.room_version FROM chain "
    "JOIN events e ON e.event_id = chain.event_id JOIN rooms r ON r.room_id = e.room_id";
const Prepared kTxn = prepared(
    "room_txn",
    "SELECT event_id FROM event_txns WHERE user_id = $1 AND device_id = $2 AND txn_id = $3");
constexpr const char* kInsertAlias =
    "INSERT INTO room_aliases (alias, room_id, creator) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
constexpr const char* kWriterHasAnnotation =
    "SELECT 1 FROM events WHERE relates_to = $1 AND rel_type = 'm.annotation' AND sender = $2 "
    "AND rel_key = $3 AND room_id = $4 AND redacted_by IS NULL AND stream_pos IS NOT NULL LIMIT 1";
constexpr const char* kMarkRedacted =
    "UPDATE events SET redacted_by = $2, client_json = $3 WHERE event_id = $1";
constexpr const char* kRedactionsOf =
    "SELECT event_id, sender FROM events WHERE redacts = $1 AND room_id = $2 "
    "AND stream_pos IS NOT NULL ORDER BY stream_pos";
constexpr const char* kBackfillPosition = "SELECT -nextval('backfill_stream_seq')";
constexpr const char* kAddBackward =
    "INSERT INTO room_backward_extremities (room_id, event_id) "
    "SELECT $1, unnest($2::text[]) ON CONFLICT DO NOTHING";
constexpr const char* kRemoveBackward =
    "DELETE FROM room_backward_extremities WHERE room_id = $1 AND event_id = $2";

std::vector<std::pair<std::string, int64_t>> parseExtremities(const pqxx::field& f) {
  std::vector<std::pair<std::string, int64_t>> out;
  if (f.is_null()) {
    return out;
  }
  const auto doc = json::tryParse(f.as<std::string>());
  if (doc && doc->IsArray()) {
    for (const auto& pair : doc->GetArray()) {
      out.emplace_back(pair[0].GetString(), pair[1].GetInt64());
    }
  }
  return out;
}

void splitKeys(const std::vector<rooms::StateKey>& keys, std::vector<std::string>& types,
               std::vector<std::string>& state_keys) {
  for (const auto& [type, key] : keys) {
    types.push_back(type);
    state_keys.push_back(key);
  }
}
}  // namespace

std::vector<rooms::Event> parseEventRows(const pqxx::result& rows) {
  std::vector<rooms::Event> out;
  out.reserve(rows.size());
  for (const auto& row : rows) {
    out.push_back(rooms::parseEvent(row[0].as<std::string>(), row[1].as<std::string>(),
                                    row[3].as<std::string>(), {false, false}));
    out.back().rejected = row[2].as<bool>();
  }
  return out;
}

std::optional<rooms::RoomInfo> PgRoomWriter::lockRoom() {
  const auto r = tx_.exec_prepared(kLockRoom.name, room_id_);
  if (r.empty()) {
    return std::nullopt;
  }
  rooms::RoomInfo info{r[0][0].as<std::string>(), r[0][1].as<std::string>(),
                       r[0][2].as<std::string>(), r[0][3].as<bool>()};
  version_ = info.room_version;
  const auto head = tx_.exec_prepared(kRoomHead.name, room_id_);
  const auto& row = head.at(0);
  if (!row[0].is_null()) {
    head_ = GroupHead{row[0].as<int64_t>(), row[1].is_null() ? 0 : row[1].as<int>(),
                      row[2].is_null() ? 0 : row[2].as<int>()};
  }
  extremities_ = parseExtremities(row[3]);
  return info;
}

void PgRoomWriter::insertRoom(const rooms::RoomInfo& room, int64_t now) {
  tx_.exec_params(kInsertRoom, room.room_id, room.room_version, room.creator, room.is_public, now);
  version_ = room.room_version;
}

std::vector<rooms::Event> PgRoomWriter::stateEvents(const std::vector<rooms::StateKey>& keys) {
  std::vector<std::string> types, state_keys;
  splitKeys(keys, types, state_keys);
  return parseEventRows(tx_.exec_prepared(kStateEvents.name, room_id_, textArray(tx_, types),
                                          textArray(tx_, state_keys), version_));
}

std::vector<rooms::Event> PgRoomWriter::stateEventsAt(int64_t group,
                                                      const std::vector<rooms::StateKey>& keys) {
  if (group == 0 || keys.empty()) {
    return {};
  }
  std::vector<std::string> types, state_keys;
  splitKeys(keys, types, state_keys);
  std::set<int32_t> wanted;
  for (const auto& row : tx_.exec_params(kKeyNids, textArray(tx_, types), textArray(tx_, state_keys))) {
    wanted.insert(row[0].as<int32_t>());
  }
  std::vector<int64_t> nids;
  for (const auto& [key_nid, event_nid] : *cache_.resolve(tx_, {group}).at(group)) {
    if (wanted.count(key_nid)) {
      nids.push_back(event_nid);
    }
  }
  return eventsByNid(nids);
}

std::vector<rooms::Event> PgRoomWriter::eventsByNid(const std::vector<int64_t>& event_nids) {
  if (event_nids.empty()) {
    return {};
  }
  return parseEventRows(tx_.exec_params(kEventsByNid, numberArray(event_nids)));
}

std::unordered_map<int64_t, std::string> PgRoomWriter::eventIdsByNid(
    const std::vector<int64_t>& event_nids) {
  std::unordered_map<int64_t, std::string> ids;
  for (const auto& row : tx_.exec_params(kEventIdsByNid, numberArray(event_nids))) {
    ids.emplace(row[0].as<int64_t>(), row[1].as<std::string>());
  }
  return ids;
}

rooms::StateMap PgRoomWriter::groupState(int64_t group) {
  if (group == 0) {
    return {};
  }
  const auto entries = cache_.resolve(tx_, {group}).at(group);
  std::vector<int32_t> key_nids;
  std::vector<int64_t> event_nids;
  for (const auto& [key_nid, event_nid] : *entries) {
    key_nids.push_back(key_nid);
    event_nids.push_back(event_nid);
  }
  const auto keys = cache_.keys(tx_, key_nids);
  const auto ids = eventIdsByNid(event_nids);
  rooms::StateMap out;
  for (const auto& [key_nid, event_nid] : *entries) {
    const auto& key = keys.at(key_nid);
    out.emplace(rooms::StateKey{key.type, key.state_key}, ids.at(event_nid));
  }
  return out;
}

std::vector<rooms::EventMeta> PgRoomWriter::eventMeta(const std::vector<std::string>& event_ids) {
  std::vector<rooms::EventMeta> out;
  if (event_ids.empty()) {
    return out;
  }
  for (const auto& row : tx_.exec_prepared(kEventMeta.name, textArray(tx_, event_ids))) {
    out.push_back(rooms::EventMeta{row[0].as<std::string>(), row[1].as<std::string>(),
                                   row[2].as<int64_t>(), optI64(row[3]), optI64(row[4]),
                                   row[5].as<bool>(), row[6].as<bool>(), row[7].as<bool>()});
  }
  return out;
}

std::vector<rooms::Event> PgRoomWriter::events(const std::vector<std::string>& event_ids) {
  if (event_ids.empty()) {
    return {};
  }
  return parseEventRows(tx_.exec_params(kEvents, textArray(tx_, event_ids)));
}

std::vector<rooms::Event> PgRoomWriter::authChains(const std::vector<std::string>& event_ids) {
  if (event_ids.empty()) {
    return {};
  }
  return parseEventRows(tx_.exec_params(kAuthChains, textArray(tx_, event_ids)));
}

std::optional<std::string> PgRoomWriter::eventForTxn(const std::string& user, const std::string& device,
                                                     const std::string& txn_key) {
  const auto r = tx_.exec_prepared(kTxn.name, user, device, txn_key);
  return r.empty() ? std::nullopt : std::optional(r[0][0].as<std::string>());
}

std::optional<rooms::Event> PgRoomWriter::event(const std::string& event_id) {
  auto found = events({event_id});
  if (found.empty()) {
    return std::nullopt;
  }
  return std::move(found.front());
}

bool PgRoomWriter::hasAnnotation(const std::string& event_id, const std::string& sender,
                                 const std::string& key) {
  return !tx_.exec_params(kWriterHasAnnotation, event_id, sender, key, room_id_).empty();
}

int64_t PgRoomWriter::nextBackfillPosition() { return tx_.exec1(kBackfillPosition)[0].as<int64_t>(); }

void PgRoomWriter::addBackwardExtremities(const std::vector<std::string>& event_ids) {
  if (!event_ids.empty()) {
    tx_.exec_params(kAddBackward, room_id_, textArray(tx_, event_ids));
  }
}

bool PgRoomWriter::removeBackwardExtremity(const std::string& event_id) {
  return tx_.exec_params(kRemoveBackward, room_id_, event_id).affected_rows() > 0;
}

std::vector<std::pair<std::string, std::string>> PgRoomWriter::redactionsOf(const std::string& event_id) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const auto& row : tx_.exec_params(kRedactionsOf, event_id, room_id_)) {
    out.emplace_back(row[0].as<std::string>(), row[1].as<std::string>());
  }
  return out;
}

void PgRoomWriter::markRedacted(const std::string& event_id, const std::string& redaction_id,
                                const std::string& redacted_client_json) {
  tx_.exec_params(kMarkRedacted, event_id, redaction_id, redacted_client_json);
}

bool PgRoomWriter::insertAlias(const std::string& alias, const std::string& creator) {
  return tx_.exec_params(kInsertAlias, alias, room_id_, creator).affected_rows() == 1;
}

std::unique_ptr<rooms::RoomWriter> PgRoomStore::writer(const std::string& room_id) {
  return std::make_unique<PgRoomWriter>(pool_, state_cache_, room_id);
}

}  // namespace hs::db
