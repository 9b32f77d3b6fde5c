// PgRoomWriter: state groups (layered deltas, ALGORITHMS §16's state after each event) and the
// room's current state (room_state, room_members).
#include <algorithm>
#include <map>

#include "db/pg_room_writer.h"
#include "db/pg_util.h"

namespace hs::db {

namespace {
// A new full snapshot once the chain of layers is this long and at least an eighth of the
// snapshot under it: storage per state event stays bounded (at most 8 copied rows per layer
// plus its own row) while a lookup walks at most max(100, state/8) layers.
constexpr int kMinStateChain = 100;
constexpr int kSnapshotShare = 8;

constexpr const char* kGroupInfo =
    "SELECT chain_length, snapshot_size FROM state_groups WHERE group_id = $1";
// A full snapshot of the room's current state (room_state already holds the new event).
constexpr const char* kSnapshotOfCurrent =
    "WITH g AS (INSERT INTO state_groups (room_id, parent, chain_length, snapshot_size) "
    "  VALUES ($1, NULL, 0, (SELECT count(*) FROM room_state WHERE room_id = $1)) RETURNING group_id, snapshot_size), "
    "x AS (INSERT INTO state_group_entries (group_id, key_nid, event_nid) "
    "  SELECT g.group_id, s.key_nid, s.event_nid FROM g, room_state s WHERE s.room_id = $1) "
    "SELECT group_id, snapshot_size FROM g";
constexpr const char* kNewLayer =
    "INSERT INTO state_groups (room_id, parent, chain_length, snapshot_size) VALUES ($1, $2, $3, $4) "
    "RETURNING group_id";
constexpr const char* kNewSnapshot =
    "INSERT INTO state_groups (room_id, parent, chain_length, snapshot_size) VALUES ($1, NULL, 0, $2) "
    "RETURNING group_id";
constexpr const char* kGroupEntry =
    "INSERT INTO state_group_entries (group_id, key_nid, event_nid) VALUES ($1, $2, $3) "
    "ON CONFLICT (group_id, key_nid) DO UPDATE SET event_nid = EXCLUDED.event_nid";
constexpr const char* kGroupEntries =
    "INSERT INTO state_group_entries (group_id, key_nid, event_nid) "
    "SELECT $1, x.k, x.e FROM unnest($2::int[], $3::bigint[]) AS x (k, e)";
constexpr const char* kSetRoomGroup = "UPDATE rooms SET state_group = $2 WHERE room_id = $1";
constexpr const char* kInternKeys =
    "INSERT INTO state_keys (type, state_key) SELECT * FROM unnest($1::text[], $2::text[]) "
    "ON CONFLICT (type, state_key) DO NOTHING";
constexpr const char* kKeyNidsOf =
    "SELECT key_nid, type, state_key FROM state_keys WHERE (type, state_key) IN "
    "(SELECT * FROM unnest($1::text[], $2::text[]))";
constexpr const char* kEventNids =
    "SELECT event_id, event_nid FROM events WHERE event_id = ANY($1::text[])";
constexpr const char* kRoomState = "SELECT key_nid, event_nid FROM room_state WHERE room_id = $1";
constexpr const char* kUpsertStates =
    "INSERT INTO room_state (room_id, key_nid, event_nid, stream_pos) "
    "SELECT $1, x.k, x.e, $4::bigint FROM unnest($2::int[], $3::bigint[]) AS x (k, e) "
    "ON CONFLICT (room_id, key_nid) DO UPDATE SET event_nid = EXCLUDED.event_nid, "
    "stream_pos = EXCLUDED.stream_pos";
constexpr const char* kDeleteStates =
    "DELETE FROM room_state WHERE room_id = $1 AND key_nid = ANY($2::int[])";
// Member rows, changed at $3, from a JSON array of {u: user, m: membership, n: event nid,
// d: displayname, a: avatar_url} built in C++ (PostgreSQL's json operators fail on a \u0000
// anywhere in an event, so the content is never read in SQL).
const std::string kUpsertMembers =
    std::string(kUpsertMemberColumns) +
    "SELECT $1, x.u, x.m, x.n, $3::bigint, x.d, x.a, FALSE, "
    "  CASE WHEN x.m = 'join' THEN $3::bigint END, CASE WHEN x.m = 'invite' THEN $3::bigint END "
    "FROM json_to_recordset($2::json) AS x (u text, m text, n bigint, d text, a text)" +
    kUpsertMemberConflict;
constexpr const char* kDeleteMembers =
    "DELETE FROM room_members WHERE room_id = $1 AND user_id IN "
    "(SELECT state_key FROM state_keys WHERE key_nid = ANY($2::int[]) AND type = 'm.room.member')";

bool needsSnapshot(const GroupHead& parent) {
  return parent.group == 0 ||
         parent.chain >= std::max(kMinStateChain, parent.snapshot_size / kSnapshotShare);
}

std::pair<std::vector<int32_t>, std::vector<int64_t>> columns(const StateGroupCache::Resolved& entries) {
  std::pair<std::vector<int32_t>, std::vector<int64_t>> out;
  for (const auto& [key, nid] : entries) {
    out.first.push_back(key);
    out.second.push_back(nid);
  }
  return out;
}
}  // namespace

GroupHead PgRoomWriter::groupInfo(int64_t group) {
  if (group == 0) {
    return {};
  }
  const auto r = tx_.exec_params1(kGroupInfo, group);
  return GroupHead{group, r[0].as<int>(), r[1].as<int>()};
}

int64_t PgRoomWriter::writeSnapshot(const Entries& entries) {
  const int64_t group = tx_.exec_params1(kNewSnapshot, room_id_, static_cast<int>(entries.size()))[0].as<int64_t>();
  const auto [keys, nids] = columns(entries);
  tx_.exec_params(kGroupEntries, group, numberArray(keys), numberArray(nids));
  return group;
}

int64_t PgRoomWriter::addLayer(const GroupHead& parent, const Entries& entries) {
  if (needsSnapshot(parent)) {
    std::map<int32_t, int64_t> merged;
    if (parent.group != 0) {
      for (const auto& [key, nid] : *cache_.resolve(tx_, {parent.group}).at(parent.group)) {
        merged[key] = nid;
      }
    }
    for (const auto& [key, nid] : entries) {
      merged[key] = nid;
    }
    return writeSnapshot(Entries(merged.begin(), merged.end()));
  }
  const int64_t group =
      tx_.exec_params1(kNewLayer, room_id_, parent.group, parent.chain + 1, parent.snapshot_size)[0].as<int64_t>();
  const auto [keys, nids] = columns(entries);
  tx_.exec_params(kGroupEntries, group, numberArray(keys), numberArray(nids));
  return group;
}

// After a local state event: room_state already holds it. A new layer with its one entry on
// top of the current group, or a new full snapshot when the chain has grown long enough.
void PgRoomWriter::addStateLayer(int key_nid, int64_t event_nid) {
  if (needsSnapshot(head_)) {
    const auto r = tx_.exec_params1(kSnapshotOfCurrent, room_id_);
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

int64_t PgRoomWriter::writeGroup(const rooms::StateMap& state, int64_t base) {
  std::vector<std::string> types, state_keys, ids;
  for (const auto& [key, id] : state) {
    types.push_back(key.first);
    state_keys.push_back(key.second);
    ids.push_back(id);
  }
  tx_.exec_params(kInternKeys, textArray(tx_, types), textArray(tx_, state_keys));
  std::map<rooms::StateKey, int32_t> key_nids;
  for (const auto& row : tx_.exec_params(kKeyNidsOf, textArray(tx_, types), textArray(tx_, state_keys))) {
    key_nids[{row[1].as<std::string>(), row[2].as<std::string>()}] = row[0].as<int32_t>();
  }
  std::unordered_map<std::string, int64_t> event_nids;
  for (const auto& row : tx_.exec_params(kEventNids, textArray(tx_, ids))) {
    event_nids[row[0].as<std::string>()] = row[1].as<int64_t>();
  }
  std::map<int32_t, int64_t> wanted;
  for (const auto& [key, id] : state) {
    wanted[key_nids.at(key)] = event_nids.at(id);
  }
  Entries changed;
  bool removed = false;
  if (base != 0) {
    std::map<int32_t, int64_t> old;
    for (const auto& [key, nid] : *cache_.resolve(tx_, {base}).at(base)) {
      old[key] = nid;
      removed = removed || wanted.count(key) == 0;
    }
    for (const auto& [key, nid] : wanted) {
      if (auto it = old.find(key); it == old.end() || it->second != nid) {
        changed.emplace_back(key, nid);
      }
    }
    if (!removed && changed.empty()) {
      return base;
    }
  }
  if (base != 0 && !removed) {
    return addLayer(groupInfo(base), changed);
  }
  return writeSnapshot(Entries(wanted.begin(), wanted.end()));
}

// The room_members rows of the m.room.member events among `entries`.
void PgRoomWriter::upsertMembers(const Entries& entries, int64_t stream_pos) {
  std::vector<int64_t> nids;
  for (const auto& [key, nid] : entries) {
    nids.push_back(nid);
  }
  std::unordered_map<std::string, int64_t> nid_of;
  for (const auto& [nid, id] : eventIdsByNid(nids)) {
    nid_of.emplace(id, nid);
  }
  json::Writer w;
  w.startArray();
  bool any = false;
  for (const auto& e : eventsByNid(nids)) {
    if (e.type != rooms::kMember || !e.state_key) {
      continue;
    }
    const auto text = [](std::optional<std::string> s) {
      return s ? std::optional(withoutNul(std::move(*s))) : std::nullopt;
    };
    w.startObject().key("u").string(*e.state_key).key("m").string(withoutNul(std::string(e.membership())));
    w.key("n").integer(nid_of.at(e.event_id));
    w.optString("d", text(json::optString(e.content(), "displayname")));
    w.optString("a", text(json::optString(e.content(), "avatar_url"))).endObject();
    any = true;
  }
  w.endArray();
  if (any) {
    tx_.exec_params(kUpsertMembers, room_id_, w.take(), stream_pos);
  }
}

bool PgRoomWriter::setCurrentState(int64_t group, int64_t stream_pos) {
  if (group == head_.group) {
    return false;
  }
  std::map<int32_t, int64_t> next;
  if (group != 0) {
    for (const auto& [key, nid] : *cache_.resolve(tx_, {group}).at(group)) {
      next[key] = nid;
    }
  }
  Entries changed;
  std::vector<int32_t> removed;
  for (const auto& row : tx_.exec_params(kRoomState, room_id_)) {
    const int32_t key = row[0].as<int32_t>();
    const auto it = next.find(key);
    if (it == next.end()) {
      removed.push_back(key);
    } else if (it->second == row[1].as<int64_t>()) {
      next.erase(it);  // unchanged
    }
  }
  changed.assign(next.begin(), next.end());
  if (!changed.empty()) {
    const auto [keys, nids] = columns(changed);
    tx_.exec_params(kUpsertStates, room_id_, numberArray(keys), numberArray(nids), stream_pos);
    upsertMembers(changed, stream_pos);
  }
  if (!removed.empty()) {
    tx_.exec_params(kDeleteStates, room_id_, numberArray(removed));
    tx_.exec_params(kDeleteMembers, room_id_, numberArray(removed));
  }
  tx_.exec_params(kSetRoomGroup, room_id_, group == 0 ? std::optional<int64_t>() : std::optional(group));
  head_ = groupInfo(group);
  return !changed.empty() || !removed.empty();
}

}  // namespace hs::db
