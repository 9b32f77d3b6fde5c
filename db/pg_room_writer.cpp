// The room store's locked writer: one transaction per appended event, holding the room row
// FOR UPDATE so a room's events are appended one at a time.
#include <pqxx/pqxx>

#include "db/pg_room_rows.h"
#include "db/pg_room_store.h"

namespace hs::db {

namespace {
constexpr int kMaxStateChain = 100;

constexpr const char* kLockRoom =
    "SELECT room_id, room_version, creator, is_public FROM rooms WHERE room_id = $1 FOR UPDATE";
constexpr const char* kInsertRoom =
    "INSERT INTO rooms (room_id, room_version, creator, is_public, created_at) "
    "VALUES ($1, $2, $3, $4, $5)";
constexpr const char* kExtremities = "SELECT event_id, depth FROM room_extremities WHERE room_id = $1";
constexpr const char* kStateEvents =
    "SELECT e.pdu_json, e.event_id FROM room_state s JOIN state_keys k ON k.key_nid = s.key_nid "
    "JOIN events e ON e.event_nid = s.event_nid "
    "WHERE s.room_id = $1 AND (k.type, k.state_key) IN (SELECT * FROM unnest($2::text[], $3::text[]))";
constexpr const char* kTxn =
    "SELECT event_id FROM event_txns WHERE user_id = $1 AND device_id = $2 AND txn_id = $3";
constexpr const char* kEventPdu = "SELECT e.pdu_json, r.room_version FROM events e "
                                  "JOIN rooms r ON r.room_id = e.room_id WHERE e.event_id = $1";
constexpr const char* kInternKey =
    "WITH ins AS (INSERT INTO state_keys (type, state_key) VALUES ($1, $2) "
    "  ON CONFLICT (type, state_key) DO NOTHING RETURNING key_nid) "
    "SELECT key_nid FROM ins UNION ALL SELECT key_nid FROM state_keys WHERE type = $1 AND state_key = $2";
constexpr const char* kSelectKey = "SELECT key_nid FROM state_keys WHERE type = $1 AND state_key = $2";
constexpr const char* kInsertAlias =
    "INSERT INTO room_aliases (alias, room_id, creator) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
constexpr const char* kRoomGroup =
    "SELECT r.state_group, g.chain_length FROM rooms r LEFT JOIN state_groups g "
    "ON g.group_id = r.state_group WHERE r.room_id = $1";
constexpr const char* kNewGroup =
    "INSERT INTO state_groups (room_id, parent, chain_length) VALUES ($1, $2, $3) RETURNING group_id";
// A full snapshot: the room's current state becomes the group's own entries.
constexpr const char* kSnapshotGroup =
    "INSERT INTO state_group_entries (group_id, key_nid, event_nid) "
    "SELECT $1, key_nid, event_nid FROM room_state WHERE room_id = $2";
constexpr const char* kGroupEntry =
    "INSERT INTO state_group_entries (group_id, key_nid, event_nid) VALUES ($1, $2, $3) "
    "ON CONFLICT (group_id, key_nid) DO UPDATE SET event_nid = EXCLUDED.event_nid";
constexpr const char* kPrevState =
    "SELECT (e.pdu_json::json -> 'content')::text, e.sender FROM room_state s "
    "JOIN events e ON e.event_nid = s.event_nid WHERE s.room_id = $1 AND s.key_nid = $2";
constexpr const char* kNextNid = "SELECT nextval('events_event_nid_seq')";
constexpr const char* kInsertEvent =
    "INSERT INTO events (event_nid, event_id, room_id, stream_pos, depth, type, state_key, sender, "
    "origin_server_ts, pdu_json, client_json, prev_content, prev_sender, relates_to, rel_type, "
    "rel_key, txn_device, txn_id, state_group) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)";
constexpr const char* kUpsertState =
    "INSERT INTO room_state (room_id, key_nid, event_nid) VALUES ($1, $2, $3) "
    "ON CONFLICT (room_id, key_nid) DO UPDATE SET event_nid = EXCLUDED.event_nid";
constexpr const char* kUpsertMember =
    "INSERT INTO room_members (room_id, user_id, membership, event_nid, stream_pos, displayname, "
    "avatar_url, forgotten) VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE) "
    "ON CONFLICT (room_id, user_id) DO UPDATE SET membership = EXCLUDED.membership, "
    "event_nid = EXCLUDED.event_nid, stream_pos = EXCLUDED.stream_pos, "
    "displayname = EXCLUDED.displayname, avatar_url = EXCLUDED.avatar_url, forgotten = FALSE";
constexpr const char* kDropExtremities =
    "DELETE FROM room_extremities WHERE room_id = $1 AND event_id = ANY($2::text[])";
constexpr const char* kAddExtremity =
    "INSERT INTO room_extremities (room_id, event_id, depth) VALUES ($1, $2, $3)";
constexpr const char* kSetRoomGroup = "UPDATE rooms SET state_group = $2 WHERE room_id = $1";
constexpr const char* kInsertTxn =
    "INSERT INTO event_txns (user_id, device_id, txn_id, event_id) VALUES ($1, $2, $3, $4)";
constexpr const char* kWriterHasAnnotation =
    "SELECT 1 FROM events WHERE relates_to = $1 AND rel_type = 'm.annotation' AND sender = $2 "
    "AND rel_key = $3 AND room_id = $4 AND redacted_by IS NULL LIMIT 1";
constexpr const char* kMarkRedacted =
    "UPDATE events SET redacted_by = $2, client_json = $3 WHERE event_id = $1";

class PgRoomWriter final : public rooms::RoomWriter {
 public:
  PgRoomWriter(Pool& pool, std::string room_id)
      : lease_(pool.acquire()), tx_(lease_.get()), room_id_(std::move(room_id)) {}

  std::optional<rooms::RoomInfo> lockRoom() override {
    const auto r = tx_.exec_params(kLockRoom, room_id_);
    if (r.empty()) {
      return std::nullopt;
    }
    return rooms::RoomInfo{r[0][0].as<std::string>(), r[0][1].as<std::string>(),
                           r[0][2].as<std::string>(), r[0][3].as<bool>()};
  }

  void insertRoom(const rooms::RoomInfo& room, int64_t now) override {
    tx_.exec_params(kInsertRoom, room.room_id, room.room_version, room.creator, room.is_public, now);
    version_ = room.room_version;
  }

  std::vector<std::pair<std::string, int64_t>> extremities() override {
    std::vector<std::pair<std::string, int64_t>> out;
    for (const auto& row : tx_.exec_params(kExtremities, room_id_)) {
      out.emplace_back(row[0].as<std::string>(), row[1].as<int64_t>());
    }
    return out;
  }

  std::vector<rooms::Event> stateEvents(const std::vector<rooms::StateKey>& keys) override {
    std::vector<std::string> types, state_keys;
    for (const auto& [type, key] : keys) {
      types.push_back(type);
      state_keys.push_back(key);
    }
    std::vector<rooms::Event> out;
    const auto version = roomVersion();
    for (const auto& row : tx_.exec_params(kStateEvents, room_id_, textArray(tx_, types),
                                           textArray(tx_, state_keys))) {
      out.push_back(rooms::parseEvent(row[0].as<std::string>(), row[1].as<std::string>(), version,
                                      {false, false}));
    }
    return out;
  }

  std::optional<std::string> eventForTxn(const std::string& user, const std::string& device,
                                         const std::string& txn_key) override {
    const auto r = tx_.exec_params(kTxn, user, device, txn_key);
    return r.empty() ? std::nullopt : std::optional(r[0][0].as<std::string>());
  }

  std::optional<rooms::Event> event(const std::string& event_id) override {
    const auto r = tx_.exec_params(kEventPdu, event_id);
    if (r.empty()) {
      return std::nullopt;
    }
    return rooms::parseEvent(r[0][0].as<std::string>(), event_id, r[0][1].as<std::string>(),
                             {false, false});
  }

  bool hasAnnotation(const std::string& event_id, const std::string& sender,
                     const std::string& key) override {
    return !tx_.exec_params(kWriterHasAnnotation, event_id, sender, key, room_id_).empty();
  }

  void persist(const rooms::NewEvent& n, int64_t stream_pos) override;

  void markRedacted(const std::string& event_id, const std::string& redaction_id,
                    const std::string& redacted_client_json) override {
    tx_.exec_params(kMarkRedacted, event_id, redaction_id, redacted_client_json);
  }

  bool insertAlias(const std::string& alias, const std::string& creator) override {
    return tx_.exec_params(kInsertAlias, alias, room_id_, creator).affected_rows() == 1;
  }

  void commit() override { tx_.commit(); }

 private:
  std::string roomVersion() {
    if (version_.empty()) {
      const auto r = tx_.exec_params("SELECT room_version FROM rooms WHERE room_id = $1", room_id_);
      version_ = r.empty() ? "11" : r[0][0].as<std::string>();
    }
    return version_;
  }
  int internKey(const std::string& type, const std::string& state_key);
  int64_t stateGroupFor(const rooms::Event& e, int64_t event_nid, std::optional<int>& key_nid);
  void updateMembership(const rooms::Event& e, int64_t event_nid, int64_t stream_pos);

  Pool::Lease lease_;
  pqxx::work tx_;
  std::string room_id_;
  std::string version_;
};

// The key's nid, inserting it if new. When another transaction inserts the same new key at
// the same time, kInternKey's ON CONFLICT waits for it to commit and returns nothing (its
// snapshot predates that commit); a second statement, with a fresh snapshot, finds the row.
int PgRoomWriter::internKey(const std::string& type, const std::string& state_key) {
  auto r = tx_.exec_params(kInternKey, type, state_key);
  if (r.empty()) {
    r = tx_.exec_params(kSelectKey, type, state_key);
  }
  return r.at(0)[0].as<int>();
}

// The group holding the state after `e`: the room's current group for a message event, a
// new layer on top of it for a state event.
int64_t PgRoomWriter::stateGroupFor(const rooms::Event& e, int64_t event_nid,
                                    std::optional<int>& key_nid) {
  const auto cur = tx_.exec_params(kRoomGroup, room_id_);
  const bool has_group = !cur.empty() && !cur[0][0].is_null();
  if (!e.isState()) {
    return has_group ? cur[0][0].as<int64_t>() : 0;
  }
  if (!key_nid) {
    key_nid = internKey(e.type, *e.state_key);
  }
  const int chain = has_group ? cur[0][1].as<int>() : 0;
  int64_t group;
  if (!has_group || chain >= kMaxStateChain) {
    group = tx_.exec_params1(kNewGroup, room_id_, nullptr, 0)[0].as<int64_t>();
    tx_.exec_params(kSnapshotGroup, group, room_id_);
  } else {
    group = tx_.exec_params1(kNewGroup, room_id_, cur[0][0].as<int64_t>(), chain + 1)[0].as<int64_t>();
  }
  tx_.exec_params(kGroupEntry, group, *key_nid, event_nid);
  tx_.exec_params(kSetRoomGroup, room_id_, group);
  return group;
}

void PgRoomWriter::updateMembership(const rooms::Event& e, int64_t event_nid, int64_t stream_pos) {
  const auto& content = e.content();
  tx_.exec_params(kUpsertMember, room_id_, *e.state_key, std::string(e.membership()), event_nid,
                  stream_pos, json::optString(content, "displayname"),
                  json::optString(content, "avatar_url"));
}

void PgRoomWriter::persist(const rooms::NewEvent& n, int64_t stream_pos) {
  const rooms::Event& e = n.event;
  const int64_t event_nid = tx_.exec(kNextNid)[0][0].as<int64_t>();
  std::optional<int> key_nid;
  std::optional<std::string> prev_content, prev_sender;
  if (e.isState()) {
    key_nid = internKey(e.type, *e.state_key);
    const auto prev = tx_.exec_params(kPrevState, room_id_, *key_nid);
    if (!prev.empty()) {
      prev_content = prev[0][0].as<std::string>();
      prev_sender = prev[0][1].as<std::string>();
    }
  }
  const int64_t group = stateGroupFor(e, event_nid, key_nid);
  tx_.exec_params(kInsertEvent, event_nid, e.event_id, room_id_, stream_pos, e.depth, e.type,
                  e.state_key, e.sender, e.origin_server_ts, n.pdu_json, n.client_json,
                  prev_content, prev_sender, n.relates_to, n.rel_type, n.rel_key, n.txn_device,
                  n.txn_id, group);
  if (e.isState()) {
    tx_.exec_params(kUpsertState, room_id_, *key_nid, event_nid);
    if (e.type == rooms::kMember) {
      updateMembership(e, event_nid, stream_pos);
    }
  }
  tx_.exec_params(kDropExtremities, room_id_, textArray(tx_, e.prev_events));
  tx_.exec_params(kAddExtremity, room_id_, e.event_id, e.depth);
  if (n.txn_user && n.txn_device && n.txn_key) {
    // event_txns.txn_id holds the scoped key (room, endpoint, txn id), not the bare txn id.
    tx_.exec_params(kInsertTxn, *n.txn_user, *n.txn_device, *n.txn_key, e.event_id);
  }
}

}  // namespace

std::unique_ptr<rooms::RoomWriter> PgRoomStore::writer(const std::string& room_id) {
  return std::make_unique<PgRoomWriter>(pool_, room_id);
}

}  // namespace hs::db
