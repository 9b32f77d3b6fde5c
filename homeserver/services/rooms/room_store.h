#pragma once
// What the room services need from storage. db/pg_room_store implements it.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "homeserver/services/rooms/room_writer.h"

namespace hs::rooms {

// A thread (events with rel_type m.thread pointing at its root), as bundled with the root.
struct ThreadSummary {
  std::string root_id;
  StoredEvent latest;  // the newest event in the thread
  int64_t count = 0;   // events in the thread, the root not counted
  bool viewer_participated = false;  // the viewer sent the root or an event in the thread
};

struct Member {
  std::string user_id;
  std::string membership;
  std::optional<std::string> displayname;
  std::optional<std::string> avatar_url;
  int64_t stream_pos = 0;  // of the membership event
  // Where the latest join streak began (a profile change does not restart it) and the invite
  // that led to it: the start of history under "joined" / "invited" visibility.
  std::optional<int64_t> join_since;
  std::optional<int64_t> invite_since;
};

// The stream positions of a room a user may read: (from_excl, to_incl] less `hidden`. The
// default is all.
struct VisibleRange {
  int64_t from_excl = 0;
  int64_t to_incl = INT64_MAX;
  // Spans (from_excl, to_incl] inside the range the user may not see (per-event history
  // visibility: the room's visibility or the user's membership at those events), oldest first.
  std::vector<std::pair<int64_t, int64_t>> hidden;

  // A range from the room's beginning (from_excl 0) includes backfilled history, whose
  // positions are negative.
  bool contains(int64_t pos) const {
    if ((from_excl != 0 && pos <= from_excl) || pos > to_incl) {
      return false;
    }
    for (const auto& [from, to] : hidden) {
      if (pos > from && pos <= to) {
        return false;
      }
    }
    return true;
  }
  // Moves a pagination bound out of a hidden span: backwards below it, forwards past it.
  int64_t skipHidden(int64_t pos, bool backwards) const {
    for (const auto& [from, to] : hidden) {
      if (backwards && pos > from && pos <= to) {
        return from;
      }
      if (!backwards && pos >= from && pos < to) {
        return to;
      }
    }
    return pos;
  }
};

// One page of the child events relating to `event_id` (reactions, edits, threads), within
// the parent's room: of `rel_type` / `event_type` when given, with from_excl < stream_pos <=
// to_incl, newest first when `backwards`, at most `limit`.
struct RelationsQuery {
  std::string event_id;
  std::optional<std::string> rel_type;
  std::optional<std::string> event_type;
  int64_t from_excl = 0;
  int64_t to_incl = 0;
  size_t limit = 50;
  bool backwards = true;
};

struct UserRoom {
  std::string room_id;
  std::string membership;
  int64_t stream_pos = 0;  // of the user's membership event
  bool forgotten = false;
  std::optional<int64_t> join_since;  // as in Member
  std::optional<int64_t> invite_since;
};

struct RoomSummary {
  std::string room_id;
  int64_t joined = 0;
  int64_t invited = 0;
  std::vector<std::string> heroes;
};

// A place in a room's topological order (/messages, /context): depth, then stream position.
struct TopoPos {
  int64_t depth = 0;
  int64_t stream = 0;
};

// One page of a room's timeline in topological order: events the viewer may see
// (min_stream_excl < stream_pos <= max_stream_incl; backfilled history has negative positions),
// strictly after `after` and at or before `upto`, oldest first or (backwards) newest first.
struct TimelineQuery {
  std::string room_id;
  int64_t min_stream_excl = 0;
  int64_t max_stream_incl = 0;
  std::optional<TopoPos> after;
  std::optional<TopoPos> upto;
  bool backwards = true;
  size_t limit = 10;
};

class RoomStore {
 public:
  virtual ~RoomStore() = default;
  virtual std::unique_ptr<RoomWriter> writer(const std::string& room_id) = 0;
  virtual std::optional<RoomInfo> room(const std::string& room_id) = 0;
  virtual std::optional<Member> membership(const std::string& room_id, const std::string& user_id) = 0;
  virtual std::vector<Member> members(const std::string& room_id) = 0;
  virtual std::vector<UserRoom> roomsOfUser(const std::string& user_id) = 0;
  // The room's state after its last event at or before `stream_pos` (from the state groups):
  // what a member who left at that position saw.
  virtual std::vector<StoredEvent> stateAt(const std::string& room_id, int64_t stream_pos) = 0;
  virtual std::vector<StoredEvent> currentState(const std::string& room_id) = 0;
  virtual std::optional<StoredEvent> stateEvent(const std::string& room_id, const std::string& type,
                                                const std::string& state_key) = 0;
  virtual std::optional<StoredEvent> eventById(const std::string& event_id) = 0;
  // Events with from_excl < stream_pos <= to_incl, in stream order (what /sync follows); newest
  // first when `backwards`, at most `limit`.
  virtual std::vector<StoredEvent> roomEvents(const std::string& room_id, int64_t from_excl,
                                              int64_t to_incl, size_t limit, bool backwards) = 0;
  // A page of the timeline in topological order (/messages, /context).
  virtual std::vector<StoredEvent> timeline(const TimelineQuery& q) = 0;
  // Current-state events whose stream position is in (from_excl, to_incl].
  virtual std::vector<StoredEvent> stateChangedBetween(const std::string& room_id, int64_t from_excl,
                                                       int64_t to_incl) = 0;
  // Rooms among `room_ids` that have events in (from_excl, to_incl].
  virtual std::vector<std::string> roomsWithEvents(const std::vector<std::string>& room_ids,
                                                   int64_t from_excl, int64_t to_incl) = 0;
  // Everyone joined to a room the user is joined to (the user included).
  virtual std::vector<std::string> usersSharingRoomWith(const std::string& user_id) = 0;
  virtual void setForgotten(const std::string& room_id, const std::string& user_id) = 0;
  virtual std::vector<StoredEvent> relations(const RelationsQuery& q) = 0;
  // Room aliases. insertAlias is false when the alias is taken; deleteAlias returns the
  // creator of the alias it removed.
  virtual bool insertAlias(const std::string& alias, const std::string& room_id,
                           const std::string& creator) = 0;
  virtual std::optional<std::string> aliasRoom(const std::string& alias) = 0;
  virtual std::optional<std::string> aliasCreator(const std::string& alias) = 0;
  virtual void deleteAlias(const std::string& alias) = 0;
  virtual std::vector<std::string> roomAliases(const std::string& room_id) = 0;
  // Every alias of `from_room` now leads to `to_room` (a room upgrade).
  virtual void moveAliases(const std::string& from_room, const std::string& to_room) = 0;
  // Bundled aggregations count only relations within `visible` (what the viewer may see, as
  // /relations does), so a former member learns nothing sent after they left.
  // The newest edit (m.replace by the original sender) of each event: (original id, edit).
  virtual std::vector<std::pair<std::string, StoredEvent>> latestEdits(
      const std::vector<std::string>& event_ids, const VisibleRange& visible) = 0;
  // Aggregated annotations of each event: event id -> [(key, count)].
  virtual std::vector<std::tuple<std::string, std::string, int64_t>> annotationCounts(
      const std::vector<std::string>& event_ids, const VisibleRange& visible) = 0;
  // The threads rooted at any of `root_ids` (unsigned.m.relations.m.thread).
  virtual std::vector<ThreadSummary> threadSummaries(const std::vector<std::string>& root_ids,
                                                     const std::string& viewer,
                                                     const VisibleRange& visible) = 0;

  // Batched reads for /sync: one query for many rooms, so a sync of hundreds of rooms costs
  // a handful of round trips instead of several per room.
  // The current state event at (type, state_key) of each of `room_ids` that has one.
  virtual std::vector<StoredEvent> stateEventOfRooms(const std::vector<std::string>& room_ids,
                                                     const std::string& type,
                                                     const std::string& state_key) = 0;
  // For each (room, from_excl): its newest `limit` events in (from_excl, to_incl], newest
  // first within each room.
  virtual std::vector<StoredEvent> latestEventsOfRooms(
      const std::vector<std::pair<std::string, int64_t>>& rooms_from, int64_t to_incl, size_t limit) = 0;
  // For each (room, stream_pos): stateAt(room, stream_pos); when `members` is given, a room's
  // m.room.member events are only those of the users it lists for that room (lazy-loaded
  // members).
  virtual std::vector<StoredEvent> stateAtOfRooms(
      const std::vector<std::pair<std::string, int64_t>>& rooms_at,
      const std::optional<std::map<std::string, std::set<std::string>>>& members) = 0;
  // The current m.room.member events of `user_ids` in each of `room_ids`.
  virtual std::vector<StoredEvent> memberEventsOfRooms(const std::vector<std::string>& room_ids,
                                                       const std::vector<std::string>& user_ids) = 0;
  // Those of `candidates` joined to a room `user_id` is joined to (usersSharingRoomWith
  // without listing everyone: presence in /sync asks about the few users whose presence moved).
  virtual std::vector<std::string> usersSharingRoomAmong(const std::string& user_id,
                                                         const std::vector<std::string>& candidates) = 0;
  // For each room: its m.room.history_visibility events and `user_id`'s own m.room.member
  // events, oldest first within a room (per-event history visibility).
  virtual std::vector<StoredEvent> visibilityHistory(const std::vector<std::string>& room_ids,
                                                     const std::string& user_id) = 0;
  // Per room: joined and invited counts, and up to `max_heroes` joined or invited members
  // other than `user_id`, by user id.
  virtual std::vector<RoomSummary> roomSummaries(const std::vector<std::string>& room_ids,
                                                 const std::string& user_id, size_t max_heroes) = 0;
};

}  // namespace hs::rooms
