#include "db/pg_room_store.h"

#include <pqxx/pqxx>

#include "db/pg_room_rows.h"

namespace hs::db {

using rooms::Member;
using rooms::StoredEvent;

namespace {
std::string select(const std::string& rest) {
  return std::string("SELECT ") + kStoredEventColumns + " FROM events e " + rest;
}

// Only timeline events: outliers, rejected and soft-failed events are not the clients' to see.
const std::string kEventById = select("WHERE e.event_id = $1 AND e.stream_pos IS NOT NULL");
// Topological order, bounded by the stream positions the viewer may see and by two optional
// (depth, stream) bounds. The row comparisons use the index (room_id, depth, stream_pos).
constexpr const char* kTimelineWhere =
    "WHERE e.room_id = $1 AND e.stream_pos > $2 AND e.stream_pos <= $3 "
    "AND ($4::bigint IS NULL OR (e.depth, e.stream_pos) > ($4::bigint, $5::bigint)) "
    "AND ($6::bigint IS NULL OR (e.depth, e.stream_pos) <= ($6::bigint, $7::bigint)) ";
const std::string kTimelineBackwards =
    select(std::string(kTimelineWhere) + "ORDER BY e.depth DESC, e.stream_pos DESC LIMIT $8");
const std::string kTimelineForwards =
    select(std::string(kTimelineWhere) + "ORDER BY e.depth ASC, e.stream_pos ASC LIMIT $8");
const std::string kCurrentState =
    select("JOIN room_state s ON s.event_nid = e.event_nid WHERE s.room_id = $1 ORDER BY e.stream_pos");
const std::string kStateEvent = select(
    "JOIN room_state s ON s.event_nid = e.event_nid JOIN state_keys k ON k.key_nid = s.key_nid "
    "WHERE s.room_id = $1 AND k.type = $2 AND k.state_key = $3");
const std::string kEventsBackwards = select(
    "WHERE e.room_id = $1 AND e.stream_pos > $2 AND e.stream_pos <= $3 "
    "ORDER BY e.stream_pos DESC LIMIT $4");
const std::string kEventsForwards = select(
    "WHERE e.room_id = $1 AND e.stream_pos > $2 AND e.stream_pos <= $3 "
    "ORDER BY e.stream_pos ASC LIMIT $4");
// By when each entry became current (room_state.stream_pos), not by its event's position: state
// resolution may make an older event current again when a fork merges.
const std::string kStateChanged = select(
    "JOIN room_state s ON s.event_nid = e.event_nid "
    "WHERE s.room_id = $1 AND s.stream_pos > $2 AND s.stream_pos <= $3 ORDER BY s.stream_pos");
// Relations count only within the parent's room: anyone can point m.relates_to of an event in
// their own room at any event id. Only timeline events count (a stream position): outliers,
// rejected and soft-failed events are nobody's to see.
constexpr const char* kSameRoomAsParent =
    "e.room_id = (SELECT p.room_id FROM events p WHERE p.event_id = e.relates_to)";
const std::string kRelationsWhere =
    "WHERE e.relates_to = $1 AND ($2::text IS NULL OR e.rel_type = $2) "
    "AND ($3::text IS NULL OR e.type = $3) AND e.stream_pos > $4 AND e.stream_pos <= $5 AND " +
    std::string(kSameRoomAsParent);
const std::string kRelationsBackwards =
    select(kRelationsWhere + " ORDER BY e.stream_pos DESC LIMIT $6");
const std::string kRelationsForwards =
    select(kRelationsWhere + " ORDER BY e.stream_pos ASC LIMIT $6");

constexpr const char* kRoom =
    "SELECT room_id, room_version, creator, is_public FROM rooms WHERE room_id = $1";
constexpr const char* kMembership =
    "SELECT user_id, membership, displayname, avatar_url, stream_pos, join_since, invite_since "
    "FROM room_members WHERE room_id = $1 AND user_id = $2";
constexpr const char* kMembers =
    "SELECT user_id, membership, displayname, avatar_url, stream_pos, join_since, invite_since "
    "FROM room_members WHERE room_id = $1 ORDER BY user_id";
constexpr const char* kRoomsOfUser =
    "SELECT room_id, membership, stream_pos, forgotten, join_since, invite_since FROM room_members "
    "WHERE user_id = $1";
constexpr const char* kRoomsWithEvents =
    "SELECT DISTINCT room_id FROM events WHERE room_id = ANY($1::text[]) "
    "AND stream_pos > $2 AND stream_pos <= $3";
constexpr const char* kSharing =
    "SELECT DISTINCT b.user_id FROM room_members a JOIN room_members b ON b.room_id = a.room_id "
    "WHERE a.user_id = $1 AND a.membership = 'join' AND b.membership = 'join'";
constexpr const char* kForget =
    "UPDATE room_members SET forgotten = TRUE WHERE room_id = $1 AND user_id = $2";
const std::string kAnnotationCounts =
    "SELECT e.relates_to, e.rel_key, count(*) FROM events e WHERE e.relates_to = ANY($1::text[]) "
    "AND e.rel_type = 'm.annotation' AND e.redacted_by IS NULL AND e.type = 'm.reaction' "
    "AND e.stream_pos > $2 AND e.stream_pos <= $3 AND " +
    std::string(kSameRoomAsParent) +
    " GROUP BY e.relates_to, e.rel_key ORDER BY e.relates_to, count(*) DESC, e.rel_key";

// Only the original sender's edits count, in the same room (ALGORITHMS: m.replace rules).
const std::string kLatestEdits =
    std::string("SELECT DISTINCT ON (e.relates_to) ") + kStoredEventColumns +
    ", e.relates_to FROM events e JOIN events p ON p.event_id = e.relates_to "
    "WHERE e.relates_to = ANY($1::text[]) AND e.rel_type = 'm.replace' AND e.redacted_by IS NULL "
    "AND e.sender = p.sender AND e.room_id = p.room_id AND e.stream_pos > $2 AND e.stream_pos <= $3 "
    "ORDER BY e.relates_to, e.stream_pos DESC";

Member memberFromRow(const pqxx::row& r) {
  return Member{r[0].as<std::string>(), r[1].as<std::string>(), optStr(r[2]), optStr(r[3]),
                r[4].as<int64_t>(), optI64(r[5]), optI64(r[6])};
}

std::optional<StoredEvent> first(const pqxx::result& r) {
  if (r.empty()) {
    return std::nullopt;
  }
  return storedEventFromRow(r[0]);
}
}  // namespace

std::optional<rooms::RoomInfo> PgRoomStore::room(const std::string& room_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kRoom, room_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return rooms::RoomInfo{r[0][0].as<std::string>(), r[0][1].as<std::string>(),
                         r[0][2].as<std::string>(), r[0][3].as<bool>()};
}

std::optional<Member> PgRoomStore::membership(const std::string& room_id, const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kMembership, room_id, user_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return memberFromRow(r[0]);
}

std::vector<Member> PgRoomStore::members(const std::string& room_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<Member> out;
  for (const auto& row : tx.exec_params(kMembers, room_id)) {
    out.push_back(memberFromRow(row));
  }
  return out;
}

std::vector<rooms::UserRoom> PgRoomStore::roomsOfUser(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<rooms::UserRoom> out;
  for (const auto& row : tx.exec_params(kRoomsOfUser, user_id)) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int64_t>(),
                   row[3].as<bool>(), optI64(row[4]), optI64(row[5])});
  }
  return out;
}

std::vector<StoredEvent> PgRoomStore::currentState(const std::string& room_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return storedEvents(tx.exec_params(kCurrentState, room_id));
}

std::vector<StoredEvent> PgRoomStore::stateAt(const std::string& room_id, int64_t stream_pos) {
  return stateAtOfRooms({{room_id, stream_pos}}, std::nullopt);  // through the group cache
}

std::optional<StoredEvent> PgRoomStore::stateEvent(const std::string& room_id, const std::string& type,
                                                   const std::string& state_key) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return first(tx.exec_params(kStateEvent, room_id, type, state_key));
}

std::optional<StoredEvent> PgRoomStore::eventById(const std::string& event_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return first(tx.exec_params(kEventById, event_id));
}

std::vector<StoredEvent> PgRoomStore::roomEvents(const std::string& room_id, int64_t from_excl,
                                                 int64_t to_incl, size_t limit, bool backwards) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return storedEvents(tx.exec_params(backwards ? kEventsBackwards : kEventsForwards, room_id,
                                     from_excl, to_incl, static_cast<int64_t>(limit)));
}

std::vector<StoredEvent> PgRoomStore::timeline(const rooms::TimelineQuery& q) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::optional<int64_t> after_depth, after_stream, upto_depth, upto_stream;
  if (q.after) {
    after_depth = q.after->depth;
    after_stream = q.after->stream;
  }
  if (q.upto) {
    upto_depth = q.upto->depth;
    upto_stream = q.upto->stream;
  }
  return storedEvents(tx.exec_params(q.backwards ? kTimelineBackwards : kTimelineForwards, q.room_id,
                                     q.min_stream_excl, q.max_stream_incl, after_depth, after_stream,
                                     upto_depth, upto_stream, static_cast<int64_t>(q.limit)));
}

std::vector<StoredEvent> PgRoomStore::stateChangedBetween(const std::string& room_id,
                                                          int64_t from_excl, int64_t to_incl) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return storedEvents(tx.exec_params(kStateChanged, room_id, from_excl, to_incl));
}

std::vector<std::string> PgRoomStore::roomsWithEvents(const std::vector<std::string>& room_ids,
                                                      int64_t from_excl, int64_t to_incl) {
  if (room_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<std::string> out;
  for (const auto& row : tx.exec_params(kRoomsWithEvents, textArray(tx, room_ids), from_excl, to_incl)) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

std::vector<std::string> PgRoomStore::usersSharingRoomWith(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<std::string> out;
  for (const auto& row : tx.exec_params(kSharing, user_id)) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

void PgRoomStore::setForgotten(const std::string& room_id, const std::string& user_id) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kForget, room_id, user_id);
  tx.commit();
}

std::vector<StoredEvent> PgRoomStore::relations(const rooms::RelationsQuery& q) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return storedEvents(tx.exec_params(q.backwards ? kRelationsBackwards : kRelationsForwards,
                                     q.event_id, q.rel_type, q.event_type, q.from_excl, q.to_incl,
                                     static_cast<int64_t>(q.limit)));
}

std::vector<std::pair<std::string, StoredEvent>> PgRoomStore::latestEdits(
    const std::vector<std::string>& event_ids, const rooms::VisibleRange& visible) {
  if (event_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<std::pair<std::string, StoredEvent>> out;
  for (const auto& row : tx.exec_params(kLatestEdits, textArray(tx, event_ids), visible.from_excl,
                                        visible.to_incl)) {
    out.emplace_back(row[kStoredEventColumnCount].as<std::string>(), storedEventFromRow(row));
  }
  return out;
}

std::vector<std::tuple<std::string, std::string, int64_t>> PgRoomStore::annotationCounts(
    const std::vector<std::string>& event_ids, const rooms::VisibleRange& visible) {
  if (event_ids.empty()) {
    return {};
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<std::tuple<std::string, std::string, int64_t>> out;
  for (const auto& row : tx.exec_params(kAnnotationCounts, textArray(tx, event_ids),
                                        visible.from_excl, visible.to_incl)) {
    out.emplace_back(row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<int64_t>());
  }
  return out;
}

}  // namespace hs::db
