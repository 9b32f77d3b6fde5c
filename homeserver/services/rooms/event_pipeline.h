#pragma once
// The one way events enter a room. Every room event, built here for a local user or received
// from another server, is persisted by an EventPipeline::Batch: one transaction holding the
// room's write lock. The batch decides where each event goes (timeline, state, forward
// extremities), runs the writes other components registered to commit with the events (the
// federation outbox), commits, and then runs the after-commit work exactly once for the events
// that entered the timeline: caches, notifications and push, media links, /sync wake-ups.
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/signing.h"
#include "homeserver/services/rooms/event_builder.h"
#include "homeserver/services/rooms/pdu_checks.h"
#include "homeserver/services/rooms/room_facts.h"
#include "homeserver/services/rooms/room_store.h"
#include "homeserver/services/streams/notifier.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::rooms {

// How an event reached the pipeline.
enum class EventOrigin {
  kLocal,       // built here for a local user
  kRemote,      // a new event from another server (a transaction, a join, an invite)
  kOutlier,     // an auth or state event fetched on its own: no place in the timeline
  kBackfilled,  // older history filled in behind what clients have already seen
};

// An event of a batch as committed, for the hooks.
struct PersistedEvent {
  StoredEvent stored;
  Event event;
  EventOrigin origin = EventOrigin::kLocal;
  bool in_timeline = true;  // false: outlier, rejected or soft-failed (clients never see it)
};

// Called with the new timeline events of one commit (local or remote, not backfilled), after
// it and before the members' /syncs are woken (notifications, unread counts, push), with the
// room as it is after the commit.
using EventHook = std::function<void(const std::vector<StoredEvent>& events, const RoomFacts& room)>;
// Called once per event that entered the timeline, after the commit (the media repository
// links the media an event references). Must not throw.
using EventSentHook = std::function<void(const std::string& event_id, const std::string& room_id,
                                         const std::string& content_json)>;
// A write that must commit or roll back with the events (the federation outbox): called in
// the batch's transaction, just before it commits, with every event the batch persisted.
using InTransactionWriter = std::function<void(TransactionHandle& tx, const RoomInfo& room,
                                               const std::vector<PersistedEvent>& events)>;

// What became of a PDU from another server.
enum class PduStatus {
  kAccepted,    // stored; in the timeline unless it came as an outlier
  kSoftFailed,  // stored, allowed by the state before it but not by the current state (§13.6)
  kRejected,    // stored as rejected: never state, timeline or prev_event (§13.4-5)
  kDuplicate,   // stored already
  kDropped,     // not stored: malformed, wrongly signed, or of another room (§13.1-2)
  kMissing,     // not stored: events it needs are unknown (see the missing_* lists)
  kUnknownRoom, // not stored: this server does not know the room
};

struct PduResult {
  PduStatus status = PduStatus::kDropped;
  std::string event_id;  // empty when it could not be computed
  std::string reason;    // for rejected and dropped PDUs
  // kMissing: fetch these (get_missing_events, /event, /state_ids) and offer the PDU again.
  std::vector<std::string> missing_prev_events;
  std::vector<std::string> missing_auth_events;  // auth events, or events a prev_states map names
  bool redacted = false;  // the content hash failed: the redacted form was stored
};

// What the caller learned about a PDU's surroundings.
struct ReceiveOptions {
  // The state after each prev event this server does not have in its timeline (unknown, or
  // known only as an outlier), as /state_ids returned it (§13 impl-note). Every event the maps
  // name must be stored already (as outliers, say).
  std::map<std::string, StateMap> prev_states;
};

// A remote room's state as send_join returns it: the state before the join event and its auth
// chain, full PDUs.
struct RoomImport {
  std::string room_id;
  std::string room_version;
  std::vector<std::string> state;
  std::vector<std::string> auth_chain;
};

struct ImportResult {
  bool imported = false;
  std::string reason;  // why not
  std::vector<std::string> missing_auth_events;  // cited, neither imported nor stored
  std::vector<std::string> dropped;   // why PDUs were dropped (§13 steps 1-2)
  std::vector<std::string> rejected;  // events their auth events do not allow
  StateMap state;                     // the imported state, rejected events left out
  int64_t state_group = 0;
};

// An idempotent local send: (user, device, txn id) and its retry key (RoomWriter::eventForTxn).
struct LocalTxn {
  std::string user_id;
  std::string device_id;
  std::string txn_id;
  std::string key;
};

class EventPipeline {
 public:
  // `keys` verifies other servers' signatures; without it every remote PDU is dropped.
  EventPipeline(const config::Config& config, RoomStore& store, streams::StreamTracker& stream,
                streams::Notifier& notifier, const core::SigningKey& key, const core::Clock& clock,
                core::ServerKeyLookup* keys = nullptr,
                std::vector<InTransactionWriter> in_transaction_writers = {});

  class Batch;
  // Locks the room for a batch of events; M_NOT_FOUND when it does not exist.
  Batch open(const std::string& room_id);
  // A new local room: builds its create event (which names the room in version 12, so
  // room.room_id is ignored there), inserts the room row, locks it and appends the event.
  Batch create(RoomInfo room, const EventDraft& create);

  // A PDU from another server (origin kRemote, kOutlier or kBackfilled): checked (ALGORITHMS
  // §13) and stored in one transaction of its room.
  PduResult receive(const std::string& room_id, std::string_view pdu_json, EventOrigin origin,
                    const ReceiveOptions& options = {});
  // PDUs of one room (a transaction's, a /backfill page, get_missing_events), in one
  // transaction, parents before children whatever order they came in. Results in input order.
  std::vector<PduResult> receiveAll(const std::string& room_id,
                                    const std::vector<std::string>& pdus, EventOrigin origin,
                                    const ReceiveOptions& options = {});

  // Stores a remote room's state and auth chain as outliers (each event checked against its
  // auth events) in a few statements, and the state as one state group. A room new to this
  // server gets that state as its current state. The join event then comes through receive(),
  // with the imported state as the state after its prev_events.
  ImportResult importRoom(const RoomImport& import);

  // Wiring, before the server serves: federation brings the key lookup and the outbox writer.
  void setKeyLookup(core::ServerKeyLookup* keys) { keys_ = keys; }
  void addInTransactionWriter(InTransactionWriter writer) {
    in_transaction_writers_.push_back(std::move(writer));
  }
  void setEventHook(EventHook hook) { event_hook_ = std::move(hook); }
  void setEventSentHook(EventSentHook hook) { sent_hook_ = std::move(hook); }
  RoomFactsCache& facts() { return facts_; }
  RoomStore& store() { return store_; }
  const std::string& serverName() const { return config_.server_name; }

 private:
  friend class Batch;
  // Inserts the room row and locks it (a remote room's import).
  Batch insert(const RoomInfo& room);
  static std::string createEventIdFor(const RoomImport& import,
                                      const std::map<std::string, CheckedPdu>& events,
                                      const RoomVersionRules& rules);
  const config::Config& config_;
  RoomStore& store_;
  streams::StreamTracker& stream_;
  streams::Notifier& notifier_;
  const core::SigningKey& key_;
  const core::Clock& clock_;
  core::ServerKeyLookup* keys_;
  std::vector<InTransactionWriter> in_transaction_writers_;
  RoomFactsCache facts_;
  EventHook event_hook_;
  EventSentHook sent_hook_;
};

// One transaction of one room, holding its write lock until commit() or destruction (which
// rolls back). Stream positions taken by the batch are released only after the commit, so
// /sync never reads past an uncommitted event.
class EventPipeline::Batch {
 public:
  Batch(Batch&&) noexcept;
  Batch& operator=(Batch&&) = delete;
  ~Batch();

  const RoomInfo& room() const { return room_; }
  // For the caller's own checks under the lock (transaction ids, duplicate reactions, aliases).
  RoomWriter& writer() { return *writer_; }

  // Builds, signs and authorizes a local user's event on the room's forward extremities and
  // persists it. Throws M_FORBIDDEN when the auth rules refuse it, M_BAD_JSON / M_TOO_LARGE for
  // malformed or oversized content.
  const StoredEvent& appendLocal(const EventDraft& draft, const std::optional<LocalTxn>& txn = {});
  // Places a PDU that passed checkPdu (§13 steps 4-6) and stores it.
  PduResult receive(CheckedPdu pdu, EventOrigin origin, const ReceiveOptions& options = {});

  // Commits, then runs the after-commit work once. The batch is spent afterwards.
  void commit();

 private:
  friend class EventPipeline;
  Batch(EventPipeline& pipeline, std::unique_ptr<RoomWriter> writer, RoomInfo room);
  // appendLocal's second half: the auth check and the write of an event built here.
  const StoredEvent& appendBuilt(NewEvent n, const std::vector<Event>& auth_state,
                                 const std::optional<LocalTxn>& txn, const std::string& content_json);
  // event_pipeline_state.cpp
  struct StateBefore {
    int64_t group = 0;  // 0: empty (the create event)
    bool is_current = false;
  };
  std::optional<StateBefore> stateBefore(const Event& e, const std::map<std::string, EventMeta>& meta,
                                         const ReceiveOptions& options, PduResult& missing);
  StateMap resolve(const std::vector<StateMap>& sets);
  // After a new forward extremity off the fast path: the current state is the resolution of
  // the extremities' states. Returns whether it changed.
  bool resolveCurrentState(int64_t stream_pos);
  std::vector<Event> stateFor(const Event& e, const StateBefore& before);
  // event_pipeline_import.cpp: false when auth events are missing (nothing is stored then).
  std::map<std::string, Event> storedAuthEvents(const std::map<std::string, CheckedPdu>& events,
                                                ImportResult& out);
  bool importEvents(std::map<std::string, CheckedPdu>& events, const std::vector<std::string>& state_ids,
                    bool new_room, ImportResult& out);
  // event_pipeline_remote.cpp: a remote PDU on its way in, with what the checks found.
  struct Incoming {
    CheckedPdu pdu;
    EventOrigin origin;
    bool was_outlier = false;                // stored already, as an outlier
    std::map<std::string, EventMeta> meta;   // the event, its prev and auth events, as stored
    std::optional<std::string> rejected;     // why §13 step 4 or 5 failed
    bool soft_failed = false;                // §13 step 6 failed
  };
  std::optional<std::string> checkAuthEvents(const Incoming& in, PduResult& result);
  void place(Incoming& in, const ReceiveOptions& options, PduResult& result);
  void checkAgainstState(Incoming& in, const StateBefore& before);
  void placeInTimeline(Incoming& in, const StateBefore& before);
  void record(StoredEvent stored, Event event, EventOrigin origin, bool in_timeline);
  void applyRedaction(const Event& redaction);
  void applyPendingRedactions(const Event& target);
  void afterCommit();

  EventPipeline* pipeline_;
  std::unique_ptr<RoomWriter> writer_;
  RoomInfo room_;
  std::vector<std::unique_ptr<streams::StreamTracker::Reservation>> positions_;
  std::vector<PersistedEvent> events_;
  std::vector<std::string> contents_;  // content JSON of events_, for the sent hook
  bool state_changed_ = false;
};

}  // namespace hs::rooms
