#pragma once
// The one way events enter a room. Every room event, built here for a local user or received
// from another server, is persisted by an EventPipeline::Batch: one transaction holding the
// room's write lock. The batch decides where each event goes (timeline, state, forward
// extremities), runs the writes other components registered to commit with the events (the
// federation outbox), commits, and then runs the after-commit work exactly once for the events
// that entered the timeline: caches, notifications and push, media links, /sync wake-ups.
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/signing.h"
#include "homeserver/services/rooms/event_builder.h"
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

// An idempotent local send: (user, device, txn id) and its retry key (RoomWriter::eventForTxn).
struct LocalTxn {
  std::string user_id;
  std::string device_id;
  std::string txn_id;
  std::string key;
};

class EventPipeline {
 public:
  EventPipeline(const config::Config& config, RoomStore& store, streams::StreamTracker& stream,
                streams::Notifier& notifier, const core::SigningKey& key, const core::Clock& clock,
                std::vector<InTransactionWriter> in_transaction_writers = {});

  class Batch;
  // Locks the room for a batch of events; M_NOT_FOUND when it does not exist.
  Batch open(const std::string& room_id);
  // Inserts the room row and locks it (a new local room).
  Batch create(const RoomInfo& room);

  void setEventHook(EventHook hook) { event_hook_ = std::move(hook); }
  void setEventSentHook(EventSentHook hook) { sent_hook_ = std::move(hook); }
  RoomFactsCache& facts() { return facts_; }
  RoomStore& store() { return store_; }
  const std::string& serverName() const { return config_.server_name; }

 private:
  friend class Batch;
  const config::Config& config_;
  RoomStore& store_;
  streams::StreamTracker& stream_;
  streams::Notifier& notifier_;
  const core::SigningKey& key_;
  const core::Clock& clock_;
  const std::vector<InTransactionWriter> in_transaction_writers_;
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

  // Commits, then runs the after-commit work once. The batch is spent afterwards.
  void commit();

 private:
  friend class EventPipeline;
  Batch(EventPipeline& pipeline, std::unique_ptr<RoomWriter> writer, RoomInfo room);
  void applyRedaction(const Event& redaction);
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
