// The room store's locked writer: one transaction per appended event, holding the room row
// FOR UPDATE so a room's events are appended one at a time.
#include <algorithm>
#include <pqxx/pqxx>

#include "db/pg_room_rows.h"
#include "db/prepared.h"
#include "db/pg_room_store.h"

namespace hs::db {

namespace {
// A new full snapshot once the chain of layers is this long and at least an eighth of the
// snapshot under it: storage per state event stays bounded (at most 8 copied rows per layer
// plus its own row) while a lookup walks at most max(100, state/8) layers.
constexpr int kMinStateChain = 100;
constexpr int kSnapshotShare = 8;

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
    "SELECT e.pdu_json, e.event_id FROM room_state s JOIN state_keys k ON k.key_nid = s.key_nid "
    "JOIN events e ON e.event_nid = s.event_nid "
    "WHERE s.room_id = $1 AND (k.type, k.state_key) IN (SELECT * FROM unnest($2::text[], $3::text[]))");
const Prepared kTxn = prepared(
    "room_txn",
    "SELECT event_id FROM event_txns WHERE user_id = $1 AND device_id = $2 AND txn_id = $3");
constexpr const char* kEventPdu = "SELECT e.pdu_json, r.room_version FROM events e "
                                  "JOIN rooms r ON r.room_id = e.room_id WHERE e.event_id = $1";
constexpr const char* kInternKey =
    "WITH ins AS (INSERT INTO state_keys (type, state_key) VALUES ($1, $2) "
    "  ON CONFLICT (type, state_key) DO NOTHING RETURNING key_nid) "
    "SELECT key_nid FROM ins UNION ALL SELECT key_nid FROM state_keys WHERE type = $1 AND state_key = $2";
constexpr const char* kSelectKey = "SELECT key_nid FROM state_keys WHERE type = $1 AND state_key = $2";
constexpr const char* kInsertAlias =
    "INSERT INTO room_aliases (alias, room_id, creator) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
// A full snapshot: the room's current state becomes the group's own entries.
constexpr const char* kNewSnapshot =
    "WITH g AS (INSERT INTO state_groups (room_id, parent, chain_length, snapshot_size) "
    "  VALUES ($1, NULL, 0, (SELECT count(*) FROM room_state WHERE room_id = $1)) RETURNING group_id, snapshot_size), "
    "x AS (INSERT INTO state_group_entries (group_id, key_nid, event_nid) "
    "  SELECT g.group_id, s.key_nid, s.event_nid FROM g, room_state s WHERE s.room_id = $1) "
    "SELECT group_id, snapshot_size FROM g";
constexpr const char* kNewLayer =
    "INSERT INTO state_groups (room_id, parent, chain_length, snapshot_size) VALUES ($1, $2, $3, $4) "
    "RETURNING group_id";
constexpr const char* kGroupEntry =
    "INSERT INTO state_group_entries (group_id, key_nid, event_nid) VALUES ($1, $2, $3) "
    "ON CONFLICT (group_id, key_nid) DO UPDATE SET event_nid = EXCLUDED.event_nid";
// The content is cut out in C++ (json::rawMember): PostgreSQL's json operators fail on a
// \u0000 anywhere in the event, and on events nested deeper than its stack allows.
constexpr const char* kPrevState =
    "SELECT e.client_json, e.sender FROM room_state s "
    "JOIN events e ON e.event_nid = s.event_nid WHERE s.room_id = $1 AND s.key_nid = $2";
// One statement per append: the event, the extremities it replaces, and the request's
// transaction id. The CTEs touch different rows, so their shared snapshot does not matter.
const Prepared kAppendEvent = prepared(
    "room_append",
    "WITH ev AS (INSERT INTO events (event_nid, event_id, room_id, stream_pos, depth, type, "
    "  state_key, sender, origin_server_ts, pdu_json, client_json, prev_content, prev_sender, "
    "  relates_to, rel_type, rel_key, txn_device, txn_id, state_group) "
    "  VALUES (COALESCE($23::bigint, nextval('events_event_nid_seq')), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, "
    "  $13, $14, $15, $16, $17, $18) RETURNING event_nid), "
    "dx AS (DELETE FROM room_extremities WHERE room_id = $2 AND event_id = ANY($19::text[])), "
    "ax AS (INSERT INTO room_extremities (room_id, event_id, depth) VALUES ($2, $1, $4)), "
    "tx AS (INSERT INTO event_txns (user_id, device_id, txn_id, event_id) "
    "  SELECT $20::text, $21::text, $22::text, $1 "
    "  WHERE $20::text IS NOT NULL AND $21::text IS NOT NULL AND $22::text IS NOT NULL) "
    "SELECT event_nid FROM ev");
constexpr const char* kUpsertState =
    "INSERT INTO room_state (room_id, key_nid, event_nid) VALUES ($1, $2, $3) "
    "ON CONFLICT (room_id, key_nid) DO UPDATE SET event_nid = EXCLUDED.event_nid";
// join_since / invite_since: see migration 0008. A join after a join (a profile change) keeps
// its streak's start; a join after an invite keeps the invite's position.
constexpr const char* kUpsertMember =
    "INSERT INTO room_members AS m (room_id, user_id, membership, event_nid, stream_pos, "
    "displayname, avatar_url, forgotten, join_since, invite_since) VALUES ($1, $2, $3, $4, $5, $6, "
    "$7, FALSE, CASE WHEN $3 = 'join' THEN $5::bigint END, CASE WHEN $3 = 'invite' THEN $5::bigint END) "
    "ON CONFLICT (room_id, user_id) DO UPDATE SET membership = EXCLUDED.membership, "
    "event_nid = EXCLUDED.event_nid, stream_pos = EXCLUDED.stream_pos, "
    "displayname = EXCLUDED.displayname, avatar_url = EXCLUDED.avatar_url, forgotten = FALSE, "
    "join_since = CASE WHEN EXCLUDED.membership <> 'join' THEN m.join_since "
    "  WHEN m.membership = 'join' THEN m.join_since ELSE EXCLUDED.stream_pos END, "
    "invite_since = CASE WHEN EXCLUDED.membership = 'invite' AND m.membership <> 'invite' "
    "  THEN EXCLUDED.stream_pos "
    "  WHEN EXCLUDED.membership = 'invite' THEN m.invite_since "
    "  WHEN EXCLUDED.membership = 'join' AND m.membership IN ('invite', 'join') THEN m.invite_since "
    "  WHEN EXCLUDED.membership = 'join' THEN NULL ELSE m.invite_since END";
constexpr const char* kSetRoomGroup = "UPDATE rooms SET state_group = $2 WHERE room_id = $1";
constexpr const char* kWriterHasAnnotation =
    "SELECT 1 FROM events WHERE relates_to = $1 AND rel_type = 'm.annotation' AND sender = $2 "
    "AND rel_key = $3 AND room_id = $4 AND redacted_by IS NULL LIMIT 1";
constexpr const char* kMarkRedacted =
    "UPDATE events SET redacted_by = $2, client_json = $3 WHERE event_id = $1";

// The room's state group as the writer tracks it while it holds the lock.
struct GroupHead {
  int64_t group = 0;  // 0: the room has no state yet
  int chain = 0;
  int snapshot_size = 0;
};

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

class PgRoomWriter final : public rooms::RoomWriter {
 public:
  PgRoomWriter(Pool& pool, std::string room_id)
      : lease_(pool.acquire()), tx_(lease_.get()), room_id_(std::move(room_id)) {}

  std::optional<rooms::RoomInfo> lockRoom() override {
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

  void insertRoom(const rooms::RoomInfo& room, int64_t now) override {
    tx_.exec_params(kInsertRoom, room.room_id, room.room_version, room.creator, room.is_public, now);
    version_ = room.room_version;
  }

  // Read by lockRoom and kept current by persist: the room is locked, nobody else moves them.
  std::vector<std::pair<std::string, int64_t>> extremities() override { return extremities_; }

  std::vector<rooms::Event> stateEvents(const std::vector<rooms::StateKey>& keys) override {
    std::vector<std::string> types, state_keys;
    for (const auto& [type, key] : keys) {
      types.push_back(type);
      state_keys.push_back(key);
    }
    std::vector<rooms::Event> out;
    for (const auto& row : tx_.exec_prepared(kStateEvents.name, room_id_, textArray(tx_, types),
                                           textArray(tx_, state_keys))) {
      out.push_back(rooms::parseEvent(row[0].as<std::string>(), row[1].as<std::string>(), version_,
                                      {false, false}));
    }
    return out;
  }

  std::optional<std::string> eventForTxn(const std::string& user, const std::string& device,
                                         const std::string& txn_key) override {
    const auto r = tx_.exec_prepared(kTxn.name, user, device, txn_key);
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

  rooms::StoredEvent persist(const rooms::NewEvent& n, int64_t stream_pos) override;

  void markRedacted(const std::string& event_id, const std::string& redaction_id,
                    const std::string& redacted_client_json) override {
    tx_.exec_params(kMarkRedacted, event_id, redaction_id, redacted_client_json);
  }

  bool insertAlias(const std::string& alias, const std::string& creator) override {
    return tx_.exec_params(kInsertAlias, alias, room_id_, creator).affected_rows() == 1;
  }

  void commit() override { tx_.commit(); }

 private:
  int internKey(const std::string& type, const std::string& state_key);
  void addStateLayer(int key_nid, int64_t event_nid);
  void updateMembership(const rooms::Event& e, int64_t event_nid, int64_t stream_pos);

  Pool::Lease lease_;
  pqxx::work tx_;
  std::string room_id_;
  std::string version_ = "11";  // set by lockRoom or insertRoom before any event is read
  GroupHead head_;
  std::vector<std::pair<std::string, int64_t>> extremities_;
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

// After a state event: room_state already holds it. A new layer with its one entry on top of
// the current group, or a new full snapshot when the chain has grown long enough.
void PgRoomWriter::addStateLayer(int key_nid, int64_t event_nid) {
  const bool snapshot =
      head_.group == 0 || head_.chain >= std::max(kMinStateChain, head_.snapshot_size / kSnapshotShare);
  if (snapshot) {
    const auto r = tx_.exec_params1(kNewSnapshot, room_id_);
    head_.group = r[0].as<int64_t>();
    head_.snapshot_size = r[1].as<int>();
    head_.chain = 0;
  } else {
    head_.group = tx_.exec_params1(kNewLayer, room_id_, head_.group, head_.chain + 1,
                                   head_.snapshot_size)[0].as<int64_t>();
    head_.chain += 1;
    tx_.exec_params(kGroupEntry, head_.group, key_nid, event_nid);
  }
  tx_.exec_params(kSetRoomGroup, room_id_, head_.group);
}

void PgRoomWriter::updateMembership(const rooms::Event& e, int64_t event_nid, int64_t stream_pos) {
  const auto& content = e.content();
  tx_.exec_params(kUpsertMember, room_id_, *e.state_key, std::string(e.membership()), event_nid,
                  stream_pos, json::optString(content, "displayname"),
                  json::optString(content, "avatar_url"));
}

rooms::StoredEvent PgRoomWriter::persist(const rooms::NewEvent& n, int64_t stream_pos) {
  const rooms::Event& e = n.event;
  std::optional<int64_t> event_nid;  // a message event's nid comes from the insert itself
  std::optional<std::string> prev_content, prev_sender;
  if (e.isState()) {
    // The state moves first, so the event row is written once, naming the group after it.
    const int key_nid = internKey(e.type, *e.state_key);
    const auto prev = tx_.exec_params(kPrevState, room_id_, key_nid);
    if (!prev.empty()) {
      prev_content = std::string(json::rawMember(prev[0][0].as<std::string>(), "content").value_or("{}"));
      prev_sender = prev[0][1].as<std::string>();
    }
    event_nid = tx_.exec1("SELECT nextval('events_event_nid_seq')")[0].as<int64_t>();
    tx_.exec_params(kUpsertState, room_id_, key_nid, *event_nid);
    addStateLayer(key_nid, *event_nid);
    if (e.type == rooms::kMember) {
      updateMembership(e, *event_nid, stream_pos);
    }
  }
  tx_.exec_prepared(kAppendEvent.name, e.event_id, room_id_, stream_pos, e.depth, e.type, e.state_key,
                  e.sender, e.origin_server_ts, n.pdu_json, n.client_json, prev_content, prev_sender,
                  n.relates_to, n.rel_type, n.rel_key, n.txn_device, n.txn_id, head_.group,
                  textArray(tx_, e.prev_events), n.txn_user, n.txn_device, n.txn_key, event_nid);
  std::erase_if(extremities_, [&](const auto& x) {
    return std::find(e.prev_events.begin(), e.prev_events.end(), x.first) != e.prev_events.end();
  });
  extremities_.emplace_back(e.event_id, e.depth);
  return rooms::StoredEvent{e.event_id, room_id_, e.type, e.state_key, e.sender, stream_pos,
                            e.origin_server_ts, n.client_json, prev_content, prev_sender,
                            std::nullopt, n.txn_device, n.txn_id};
}

}  // namespace

std::unique_ptr<rooms::RoomWriter> PgRoomStore::writer(const std::string& room_id) {
  return std::make_unique<PgRoomWriter>(pool_, room_id);
}

}  // namespace hs::db
