#pragma once
// The room store's write side, as the EventPipeline drives it: one transaction holding the
// room's write lock, the reads the pipeline makes under it, and the writes that place an event
// in the room (timeline, state groups, forward extremities, current state).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
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
  int64_t stream_pos = 0;  // 0 for state that is not in the timeline (imported, outliers)
  int64_t depth = 0;
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

// What the pipeline reads about a stored event under the room lock.
struct EventMeta {
  std::string event_id;
  std::string room_id;
  int64_t depth = 0;
  std::optional<int64_t> state_group;  // after the event (before it if rejected); none: outlier
  std::optional<int64_t> stream_pos;   // none: not in the timeline
  bool outlier = false;
  bool rejected = false;
  bool soft_failed = false;
};

// Where an event goes, as the pipeline decided it; RoomWriter::persist writes it.
struct Placement {
  std::optional<int64_t> stream_pos;    // its timeline position; none: not in the timeline
  std::optional<int64_t> state_before;  // group of the state before it; none: an outlier
  bool outlier = false;
  std::optional<std::string> rejected;  // why it was rejected
  bool soft_failed = false;
  // Becomes a forward extremity: its prev_events stop being ones.
  bool extremity = false;
  // Its prev_events are all the forward extremities and state_before is the current state, so
  // the current state moves by this event alone (every local send takes this path).
  bool advances_current = false;
  // The event is stored as an outlier already: its row is completed, not inserted.
  bool was_outlier = false;
};

// An event stored as an outlier by RoomWriter::insertOutliers.
struct OutlierRow {
  const NewEvent* event;
  std::optional<std::string> rejected;  // why the checks against its auth events failed
};

// The open transaction of a RoomWriter, opaque to the services: writes that must commit with
// the events (InTransactionWriter) are implemented in db/, which knows what it is.
class TransactionHandle {
 public:
  virtual ~TransactionHandle() = default;
};

// One transaction holding the room's write lock until commit or destruction (rollback).
class RoomWriter {
 public:
  virtual ~RoomWriter() = default;
  // Locks the room; nullopt when it does not exist.
  virtual std::optional<RoomInfo> lockRoom() = 0;
  virtual void insertRoom(const RoomInfo& room, int64_t now) = 0;
  virtual std::vector<std::pair<std::string, int64_t>> extremities() = 0;  // event id, depth
  // The state group of the current state (0: the room has no state yet).
  virtual int64_t currentGroup() = 0;
  // The current state events at these keys (missing keys are absent).
  virtual std::vector<Event> stateEvents(const std::vector<StateKey>& keys) = 0;
  // The same in the state of a group.
  virtual std::vector<Event> stateEventsAt(int64_t group, const std::vector<StateKey>& keys) = 0;
  // A group's whole state.
  virtual StateMap groupState(int64_t group) = 0;
  // A group holding `state`: a layer over `base` when that suffices, else a full snapshot.
  // Every event `state` names must be stored.
  virtual int64_t writeGroup(const StateMap& state, int64_t base) = 0;
  // The stored events among `event_ids` (any room), unordered.
  virtual std::vector<EventMeta> eventMeta(const std::vector<std::string>& event_ids) = 0;
  virtual std::vector<Event> events(const std::vector<std::string>& event_ids) = 0;
  // `event_ids` and every event reachable from them through auth_events, as stored.
  virtual std::vector<Event> authChains(const std::vector<std::string>& event_ids) = 0;
  // The event a request with this NewEvent::txn_key already created.
  virtual std::optional<std::string> eventForTxn(const std::string& user, const std::string& device,
                                                 const std::string& txn_key) = 0;
  virtual std::optional<Event> event(const std::string& event_id) = 0;
  // Within this transaction: whether `sender` already annotated `event_id` with `key`. (A
  // second pooled connection while holding this one could exhaust the pool under load.)
  virtual bool hasAnnotation(const std::string& event_id, const std::string& sender,
                             const std::string& key) = 0;
  // Writes the event where `placement` says, with its state group (a new layer for a state
  // event that is neither rejected nor an outlier), the forward extremities and, when it
  // advances the current state, room_state and the memberships. Returns the event as stored,
  // so the post-commit work needs no read.
  virtual StoredEvent persist(const NewEvent& e, const Placement& placement) = 0;
  // Stores many events as outliers in one statement (a remote room's state and auth chain);
  // events stored already are left as they are.
  virtual void insertOutliers(const std::vector<OutlierRow>& rows) = 0;
  // The current state becomes `group`'s (room_state, memberships, the room's group), changed
  // at `stream_pos`. Returns whether anything changed.
  virtual bool setCurrentState(int64_t group, int64_t stream_pos) = 0;
  // A position for a backfilled event: below every position used so far (negative).
  virtual int64_t nextBackfillPosition() = 0;
  // Backward extremities (migration 0010): prev_events of timeline events that are not in it.
  virtual void addBackwardExtremities(const std::vector<std::string>& event_ids) = 0;
  // Removes `event_id`; true when it was one (the event already has children).
  virtual bool removeBackwardExtremity(const std::string& event_id) = 0;
  // The redactions stored for `event_id`, as (redaction id, sender).
  virtual std::vector<std::pair<std::string, std::string>> redactionsOf(const std::string& event_id) = 0;
  // Replaces a redacted event's client rendering and records the redaction.
  virtual void markRedacted(const std::string& event_id, const std::string& redaction_id,
                            const std::string& redacted_client_json) = 0;
  // Adds an alias of this room in the same transaction (createRoom's room_alias_name); false
  // when it is taken, including by a concurrent transaction that commits first.
  virtual bool insertAlias(const std::string& alias, const std::string& creator) = 0;
  virtual TransactionHandle& transaction() = 0;
  virtual void commit() = 0;
};

}  // namespace hs::rooms
