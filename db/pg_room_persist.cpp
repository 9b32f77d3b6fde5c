// PgRoomWriter::persist: writing an event where the pipeline placed it.
#include <algorithm>

#include "db/pg_room_writer.h"
#include "db/prepared.h"

namespace hs::db {

namespace {
constexpr const char* kInternKey =
    "WITH ins AS (INSERT INTO state_keys (type, state_key) VALUES ($1, $2) "
    "  ON CONFLICT (type, state_key) DO NOTHING RETURNING key_nid) "
    "SELECT key_nid FROM ins UNION ALL SELECT key_nid FROM state_keys WHERE type = $1 AND state_key = $2";
constexpr const char* kSelectKey = "SELECT key_nid FROM state_keys WHERE type = $1 AND state_key = $2";
// The content is cut out in C++ (json::rawMember): PostgreSQL's json operators fail on a
// \u0000 anywhere in the event, and on events nested deeper than its stack allows.
constexpr const char* kPrevState =
    "SELECT e.client_json, e.sender FROM room_state s "
    "JOIN events e ON e.event_nid = s.event_nid WHERE s.room_id = $1 AND s.key_nid = $2";
constexpr const char* kEventContent = "SELECT client_json, sender FROM events WHERE event_nid = $1";
constexpr const char* kNextNid = "SELECT nextval('events_event_nid_seq')";
constexpr const char* kNidOf = "SELECT event_nid FROM events WHERE event_id = $1";
// One statement per local append: the event, the extremities it replaces, and the request's
// transaction id. The CTEs touch different rows, so their shared snapshot does not matter.
const Prepared kAppendEvent = prepared(
    "room_append",
    "WITH ev AS (INSERT INTO events (event_nid, event_id, room_id, stream_pos, depth, type, "
    "  state_key, sender, origin_server_ts, pdu_json, client_json, prev_content, prev_sender, "
    "  relates_to, rel_type, rel_key, txn_device, txn_id, state_group, prev_ids, auth_ids, redacts) "
    "  VALUES (COALESCE($23::bigint, nextval('events_event_nid_seq')), $1, $2, $3, $4, $5, $6, $7, $8, "
    "  $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19::text[], $24::text[], $25) RETURNING event_nid), "
    "dx AS (DELETE FROM room_extremities WHERE room_id = $2 AND event_id = ANY($19::text[])), "
    "ax AS (INSERT INTO room_extremities (room_id, event_id, depth) VALUES ($2, $1, $4)), "
    "tx AS (INSERT INTO event_txns (user_id, device_id, txn_id, event_id) "
    "  SELECT $20::text, $21::text, $22::text, $1 "
    "  WHERE $20::text IS NOT NULL AND $21::text IS NOT NULL AND $22::text IS NOT NULL) "
    "SELECT event_nid FROM ev");
// Any other placement: the event alone (extremities and state move in their own statements).
constexpr const char* kInsertEvent =
    "INSERT INTO events (event_nid, event_id, room_id, stream_pos, depth, type, state_key, sender, "
    "origin_server_ts, pdu_json, client_json, prev_content, prev_sender, relates_to, rel_type, "
    "rel_key, state_group, prev_ids, auth_ids, redacts, outlier, rejected, soft_failed) "
    "VALUES (COALESCE($1::bigint, nextval('events_event_nid_seq')), $2, $3, $4, $5, $6, $7, $8, $9, "
    "$10, $11, $12, $13, $14, $15, $16, $17, $18::text[], $19::text[], $20, $21, $22, $23) "
    "RETURNING event_nid";
// An outlier joining the timeline (or found rejected once the state at it is known).
constexpr const char* kCompleteOutlier =
    "UPDATE events SET stream_pos = $2, state_group = $3, prev_content = $4, prev_sender = $5, "
    "outlier = FALSE, rejected = $6, soft_failed = $7 WHERE event_id = $1 RETURNING event_nid";
constexpr const char* kDropExtremities =
    "DELETE FROM room_extremities WHERE room_id = $1 AND event_id = ANY($2::text[])";
constexpr const char* kAddExtremity =
    "INSERT INTO room_extremities (room_id, event_id, depth) VALUES ($1, $2, $3) "
    "ON CONFLICT DO NOTHING";
// Many outliers in one statement, from one JSON array (a remote room's state and auth chain).
constexpr const char* kInsertOutliers =
    "INSERT INTO events (event_id, room_id, depth, type, state_key, sender, origin_server_ts, "
    "pdu_json, client_json, relates_to, rel_type, rel_key, prev_ids, auth_ids, redacts, outlier, "
    "rejected) "
    "SELECT r.event_id, $1, r.depth, r.type, r.state_key, r.sender, r.ts, r.pdu, r.client, "
    "r.relates_to, r.rel_type, r.rel_key, ARRAY(SELECT json_array_elements_text(r.prev)), "
    "ARRAY(SELECT json_array_elements_text(r.auth)), r.redacts, TRUE, r.rejected "
    "FROM json_to_recordset($2::json) AS r (event_id text, depth bigint, type text, "
    "state_key text, sender text, ts bigint, pdu text, client text, relates_to text, "
    "rel_type text, rel_key text, prev json, auth json, redacts text, rejected text) "
    "ON CONFLICT (event_id) DO NOTHING";
constexpr const char* kUpsertState =
    "INSERT INTO room_state (room_id, key_nid, event_nid, stream_pos) VALUES ($1, $2, $3, $4) "
    "ON CONFLICT (room_id, key_nid) DO UPDATE SET event_nid = EXCLUDED.event_nid, "
    "stream_pos = EXCLUDED.stream_pos";
constexpr const char* kSetRoomGroup = "UPDATE rooms SET state_group = $2 WHERE room_id = $1";

// Columns taken from event content: other servers' events may carry NUL (see withoutNul).
std::optional<std::string> clean(const std::optional<std::string>& s) {
  return s ? std::optional(withoutNul(*s)) : std::nullopt;
}

std::string contentOf(const pqxx::field& client_json) {
  return std::string(json::rawMember(client_json.as<std::string>(), "content").value_or("{}"));
}

const std::string kUpsertMember =
    std::string(kUpsertMemberColumns) +
    "VALUES ($1, $2, $3, $4, $5, $6, $7, FALSE, CASE WHEN $3 = 'join' THEN $5::bigint END, "
    "CASE WHEN $3 = 'invite' THEN $5::bigint END)" + kUpsertMemberConflict;
}  // namespace

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

void PgRoomWriter::updateMembership(const rooms::Event& e, int64_t event_nid, int64_t stream_pos) {
  const auto& content = e.content();
  tx_.exec_params(kUpsertMember, room_id_, *e.state_key, std::string(e.membership()), event_nid,
                  stream_pos, clean(json::optString(content, "displayname")),
                  clean(json::optString(content, "avatar_url")));
}

rooms::StoredEvent PgRoomWriter::persist(const rooms::NewEvent& n, const rooms::Placement& p) {
  if (p.advances_current && p.stream_pos && !p.was_outlier) {
    return persistAdvancing(n, p);
  }
  return persistPlaced(n, p);
}

// The path of every local send: the event follows all forward extremities on the current
// state, so room_state moves by this one event and the statements stay as few as they were.
rooms::StoredEvent PgRoomWriter::persistAdvancing(const rooms::NewEvent& n, const rooms::Placement& p) {
  const rooms::Event& e = n.event;
  const int64_t stream_pos = *p.stream_pos;
  std::optional<int64_t> event_nid;  // a message event's nid comes from the insert itself
  std::optional<std::string> prev_content, prev_sender;
  if (e.isState()) {
    // The state moves first, so the event row is written once, naming the group after it.
    const int key_nid = internKey(e.type, *e.state_key);
    const auto prev = tx_.exec_params(kPrevState, room_id_, key_nid);
    if (!prev.empty()) {
      prev_content = contentOf(prev[0][0]);
      prev_sender = prev[0][1].as<std::string>();
    }
    event_nid = tx_.exec1(kNextNid)[0].as<int64_t>();
    tx_.exec_params(kUpsertState, room_id_, key_nid, *event_nid, stream_pos);
    addStateLayer(key_nid, *event_nid);
    if (e.type == rooms::kMember) {
      updateMembership(e, *event_nid, stream_pos);
    }
  }
  tx_.exec_prepared(kAppendEvent.name, e.event_id, room_id_, stream_pos, e.depth, e.type, e.state_key,
                    e.sender, e.origin_server_ts, n.pdu_json, n.client_json, prev_content, prev_sender,
                    clean(n.relates_to), clean(n.rel_type), clean(n.rel_key), n.txn_device, n.txn_id, head_.group,
                    textArray(tx_, e.prev_events), n.txn_user, n.txn_device, n.txn_key, event_nid,
                    textArray(tx_, e.auth_events), clean(e.redacts));
  std::erase_if(extremities_, [&](const auto& x) {
    return std::find(e.prev_events.begin(), e.prev_events.end(), x.first) != e.prev_events.end();
  });
  extremities_.emplace_back(e.event_id, e.depth);
  return rooms::StoredEvent{e.event_id, room_id_, e.type, e.state_key, e.sender, stream_pos,
                            e.depth, e.origin_server_ts, n.client_json, prev_content, prev_sender,
                            std::nullopt, n.txn_device, n.txn_id};
}

// Anything else: an event on a fork, an outlier, a rejected or soft-failed event, backfilled
// history, an outlier joining the timeline. Its state group is the state before it, plus the
// event itself when it is an accepted state event; the current state is the caller's to move.
rooms::StoredEvent PgRoomWriter::persistPlaced(const rooms::NewEvent& n, const rooms::Placement& p) {
  const rooms::Event& e = n.event;
  std::optional<int64_t> event_nid;
  if (p.was_outlier) {
    event_nid = tx_.exec_params1(kNidOf, e.event_id)[0].as<int64_t>();
  }
  std::optional<int64_t> group = p.outlier ? std::nullopt : p.state_before;
  std::optional<std::string> prev_content, prev_sender;
  if (e.isState() && group && *group != 0) {
    const int key_nid = internKey(e.type, *e.state_key);
    for (const auto& [k, nid] : *cache_.resolve(tx_, {*group}).at(*group)) {
      if (k == key_nid) {
        const auto r = tx_.exec_params(kEventContent, nid);
        prev_content = contentOf(r.at(0)[0]);
        prev_sender = r.at(0)[1].as<std::string>();
      }
    }
    if (!p.rejected) {
      event_nid = event_nid ? event_nid : tx_.exec1(kNextNid)[0].as<int64_t>();
      group = addLayer(groupInfo(*group), {{key_nid, *event_nid}});
    }
  } else if (e.isState() && group && !p.rejected) {
    const int key_nid = internKey(e.type, *e.state_key);  // the create event: the first group
    event_nid = event_nid ? event_nid : tx_.exec1(kNextNid)[0].as<int64_t>();
    group = writeSnapshot({{key_nid, *event_nid}});
  }
  if (group && *group == 0) {
    group.reset();  // a rejected create event: there is no state to point at
  }
  if (p.was_outlier) {
    tx_.exec_params(kCompleteOutlier, e.event_id, p.stream_pos, group, prev_content, prev_sender,
                    p.rejected, p.soft_failed);
  } else {
    tx_.exec_params(kInsertEvent, event_nid, e.event_id, room_id_, p.stream_pos, e.depth, e.type,
                    e.state_key, e.sender, e.origin_server_ts, n.pdu_json, n.client_json,
                    prev_content, prev_sender, clean(n.relates_to), clean(n.rel_type), clean(n.rel_key), group,
                    textArray(tx_, e.prev_events), textArray(tx_, e.auth_events), clean(e.redacts),
                    p.outlier, p.rejected, p.soft_failed);
  }
  if (p.extremity) {
    moveExtremities(e);
  }
  return rooms::StoredEvent{e.event_id, room_id_, e.type, e.state_key, e.sender,
                            p.stream_pos.value_or(0), e.depth, e.origin_server_ts, n.client_json,
                            prev_content, prev_sender, std::nullopt, std::nullopt, std::nullopt};
}

void PgRoomWriter::insertOutliers(const std::vector<rooms::OutlierRow>& rows) {
  json::Writer w;
  w.startArray();
  const auto ids = [&w](const char* key, const std::vector<std::string>& list) {
    w.key(key).startArray();
    for (const auto& id : list) {
      w.string(id);
    }
    w.endArray();
  };
  for (const auto& row : rows) {
    const rooms::NewEvent& n = *row.event;
    const rooms::Event& e = n.event;
    w.startObject().key("event_id").string(e.event_id).key("depth").integer(e.depth);
    w.key("type").string(e.type).optString("state_key", e.state_key).key("sender").string(e.sender);
    w.key("ts").integer(e.origin_server_ts).key("pdu").string(n.pdu_json).key("client").string(n.client_json);
    w.optString("relates_to", clean(n.relates_to)).optString("rel_type", clean(n.rel_type));
    w.optString("rel_key", clean(n.rel_key));
    ids("prev", e.prev_events);
    ids("auth", e.auth_events);
    w.optString("redacts", clean(e.redacts)).optString("rejected", row.rejected).endObject();
  }
  w.endArray();
  tx_.exec_params(kInsertOutliers, room_id_, w.take());
}

void PgRoomWriter::moveExtremities(const rooms::Event& e) {
  tx_.exec_params(kDropExtremities, room_id_, textArray(tx_, e.prev_events));
  tx_.exec_params(kAddExtremity, room_id_, e.event_id, e.depth);
  std::erase_if(extremities_, [&](const auto& x) {
    return std::find(e.prev_events.begin(), e.prev_events.end(), x.first) != e.prev_events.end();
  });
  extremities_.emplace_back(e.event_id, e.depth);
}

}  // namespace hs::db
