#pragma once
// What the room services need from storage. db/pg_room_store implements it.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "homeserver/services/rooms/event.h"

namespace hs::rooms {

struct RoomInfo {
  std::string room_id;
  std::string room_version;
  std::string creator;
  bool is_public = false;
};

// An event as stored, with what rendering needs besides the PDU.
struct StoredEvent {
  std::string event_id;
  std::string room_id;
  std::string type;
  std::optional<std::string> state_key;
  std::string sender;
  int64_t stream_pos = 0;
  int64_t origin_server_ts = 0;
  std::string client_json;  // client format without `unsigned`
  std::optional<std::string> prev_content;
  std::optional<std::string> prev_sender;
  std::optional<std::string> redacted_by;
  std::optional<std::string> txn_device;
  std::optional<std::string> txn_id;
};

// A built, signed and authorized event ready to be written.
struct NewEvent {
  Event event;
  std::string pdu_json;
  std::string client_json;
  std::optional<std::string> relates_to;
  std::optional<std::string> rel_type;
  std::optional<std::string> rel_key;
  std::optional<std::string> txn_user;
  std::optional<std::string> txn_device;
  std::optional<std::string> txn_id;   // echoed to the sending device as unsigned.transaction_id
  std::optional<std::string> txn_key;  // the retry key: room, endpoint and txn id (eventForTxn)
};

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

  bool contains(int64_t pos) const {
    if (pos <= from_excl || pos > to_incl) {
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

// One transaction holding the room's write lock until commit or destruction (rollback):
// events of one room are appended one at a time, so prev_events are always the room's
// forward extremities.
class RoomWriter {
 public:
  virtual ~RoomWriter() = default;
  // Locks the room; nullopt when it does not exist.
  virtual std::optional<RoomInfo> lockRoom() = 0;
  virtual void insertRoom(const RoomInfo& room, int64_t now) = 0;
  virtual std::vector<std::pair<std::string, int64_t>> extremities() = 0;  // event id, depth
  // The current state events at these keys (missing keys are absent).
  virtual std::vector<Event> stateEvents(const std::vector<StateKey>& keys) = 0;
  // The event a request with this NewEvent::txn_key already created.
  virtual std::optional<std::string> eventForTxn(const std::string& user, const std::string& device,
                                                 const std::string& txn_key) = 0;
  virtual std::optional<Event> event(const std::string& event_id) = 0;
  // Within this transaction: whether `sender` already annotated `event_id` with `key`. (A
  // second pooled connection while holding this one could exhaust the pool under load.)
  virtual bool hasAnnotation(const std::string& event_id, const std::string& sender,
                             const std::string& key) = 0;
  // Writes the event at `stream_pos`, moving the extremities, the state (groups, current
  // state, memberships) and the transaction-id record along. Returns the event as stored, so
  // the post-commit work needs no read.
  virtual StoredEvent persist(const NewEvent& e, int64_t stream_pos) = 0;
  // Replaces a redacted event's client rendering and records the redaction.
  virtual void markRedacted(const std::string& event_id, const std::string& redaction_id,
                            const std::string& redacted_client_json) = 0;
  // Adds an alias of this room in the same transaction (createRoom's room_alias_name); false
  // when it is taken, including by a concurrent transaction that commits first.
  virtual bool insertAlias(const std::string& alias, const std::string& creator) = 0;
  virtual void commit() = 0;
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
  // Events with from_excl < stream_pos <= to_incl; newest first when `backwards`, at most
  // `limit`.
  virtual std::vector<StoredEvent> roomEvents(const std::string& room_id, int64_t from_excl,
                                              int64_t to_incl, size_t limit, bool backwards) = 0;
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
