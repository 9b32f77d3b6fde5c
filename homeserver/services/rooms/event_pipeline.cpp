#include "homeserver/services/rooms/event_pipeline.h"

#include <set>

#include "homeserver/core/matrix_error.h"
#include "homeserver/core/redaction.h"
#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/power_levels.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxPduBytes = 65536;
}  // namespace

EventPipeline::EventPipeline(const config::Config& config, RoomStore& store,
                             streams::StreamTracker& stream, streams::Notifier& notifier,
                             const core::SigningKey& key, const core::Clock& clock,
                             core::ServerKeyLookup* keys,
                             std::vector<InTransactionWriter> in_transaction_writers)
    : config_(config), store_(store), stream_(stream), notifier_(notifier), key_(key),
      clock_(clock), keys_(keys), in_transaction_writers_(std::move(in_transaction_writers)),
      facts_(store) {}

EventPipeline::Batch EventPipeline::open(const std::string& room_id) {
  auto writer = store_.writer(room_id);
  auto room = writer->lockRoom();
  if (!room) {
    throw MatrixError(ErrCode::NotFound, "Unknown room");
  }
  return Batch(*this, std::move(writer), std::move(*room));
}

EventPipeline::Batch EventPipeline::insert(const RoomInfo& room) {
  auto writer = store_.writer(room.room_id);
  writer->insertRoom(room, clock_.nowMs());
  writer->lockRoom();
  return Batch(*this, std::move(writer), room);
}

EventPipeline::Batch EventPipeline::create(RoomInfo room, const EventDraft& create) {
  const std::vector<Event> none;
  const std::vector<std::pair<std::string, int64_t>> no_extremities;
  NewEvent n = buildEvent(create, BuildContext{room, none, no_extremities, config_.server_name, key_,
                                               clock_.nowMs()});
  room.room_id = n.event.room_id;  // room v12: the create event's ID, with "!"
  auto writer = store_.writer(room.room_id);
  writer->insertRoom(room, clock_.nowMs());
  writer->lockRoom();
  Batch batch(*this, std::move(writer), std::move(room));
  batch.appendBuilt(std::move(n), none, std::nullopt, create.content_json);
  return batch;
}

EventPipeline::Batch::Batch(EventPipeline& pipeline, std::unique_ptr<RoomWriter> writer, RoomInfo room)
    : pipeline_(&pipeline), writer_(std::move(writer)), room_(std::move(room)) {}

EventPipeline::Batch::Batch(Batch&&) noexcept = default;
EventPipeline::Batch::~Batch() = default;

const StoredEvent& EventPipeline::Batch::appendLocal(const EventDraft& draft,
                                                     const std::optional<LocalTxn>& txn) {
  EventPipeline& p = *pipeline_;
  json::Document content;
  content.Parse(draft.content_json.c_str(), draft.content_json.size());
  if (content.HasParseError() || !content.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "Event content must be a JSON object");
  }
  const RoomVersionRules& rules = *findRoomVersion(room_.room_version);
  auto keys = authKeysFor(draft.type, draft.state_key, draft.sender, content, rules);
  if (rules.room_id_is_create_hash) {
    keys.emplace_back(std::string(kCreate), "");  // read for the auth check, never cited
  }
  const std::vector<Event> auth_state = writer_->stateEvents(keys);
  const auto extremities = writer_->extremities();
  std::vector<Event> prev_events;  // rooms v1 and v2 cite them with their hashes
  if (rules.event_format == EventFormat::kV1) {
    std::vector<std::string> ids;
    for (const auto& [id, depth] : extremities) {
      ids.push_back(id);
    }
    prev_events = writer_->events(ids);
  }
  NewEvent n = buildEvent(draft, BuildContext{room_, auth_state, extremities, p.config_.server_name,
                                              p.key_, p.clock_.nowMs(), &prev_events});
  return appendBuilt(std::move(n), auth_state, txn, draft.content_json);
}

const StoredEvent& EventPipeline::Batch::appendBuilt(NewEvent n, const std::vector<Event>& auth_state,
                                                     const std::optional<LocalTxn>& txn,
                                                     const std::string& content_json) {
  EventPipeline& p = *pipeline_;
  if (n.pdu_json.size() > kMaxPduBytes) {
    throw MatrixError(ErrCode::TooLarge, "Event is larger than 65536 bytes");
  }
  const AuthResult auth = authCheck(n.event, lookupInList(auth_state), room_.room_version);
  if (!auth.allowed) {
    throw MatrixError(ErrCode::Forbidden, auth.reason);
  }
  if (txn) {
    n.txn_user = txn->user_id;
    n.txn_device = txn->device_id;
    n.txn_id = txn->txn_id;
    n.txn_key = txn->key;
  }
  positions_.push_back(std::make_unique<streams::StreamTracker::Reservation>(p.stream_));
  Placement placement;
  placement.stream_pos = positions_.back()->position();
  placement.state_before = writer_->currentGroup();
  placement.extremity = true;
  // buildEvent cites at most 20 extremities: with more, the current state must be resolved.
  placement.advances_current = n.event.prev_events.size() == writer_->extremities().size();
  StoredEvent stored = writer_->persist(n, placement);
  if (placement.advances_current) {
    state_changed_ = state_changed_ || n.event.isState();
  } else {
    state_changed_ = resolveCurrentState(*placement.stream_pos) || state_changed_;
  }
  if (n.event.redacts) {
    applyRedaction(n.event);
  }
  events_.push_back(PersistedEvent{std::move(stored), std::move(n.event), EventOrigin::kLocal, true});
  contents_.push_back(content_json);
  return events_.back().stored;
}

void EventPipeline::Batch::record(StoredEvent stored, Event event, EventOrigin origin, bool in_timeline) {
  contents_.push_back(in_timeline ? json::toString(event.content()) : std::string());
  events_.push_back(PersistedEvent{std::move(stored), std::move(event), origin, in_timeline});
}

// Applies a redaction whose target is in this room (ALGORITHMS §21): when the redaction's
// sender has the redact level, or shares a server with the target's sender. (A local user's
// redaction of another user's event was refused earlier without the redact level.)
void EventPipeline::Batch::applyRedaction(const Event& redaction) {
  auto target = writer_->event(*redaction.redacts);
  if (!target || target->room_id != room_.room_id) {
    return;
  }
  if (domainOf(target->sender) != domainOf(redaction.sender)) {
    const auto* rules = findRoomVersion(room_.room_version);
    const auto state = writer_->stateEvents({{std::string(kCreate), ""}, {std::string(kPowerLevels), ""}});
    const Event* create = nullptr;
    const Event* pl = nullptr;
    for (const auto& e : state) {
      (e.type == kCreate ? create : pl) = &e;
    }
    if (PowerLevels::fromState(pl, create, *rules).userLevel(redaction.sender) <
        PowerLevels::fromState(pl, create, *rules).redact()) {
      return;
    }
  }
  auto redacted = core::redactEvent(*target->json, room_.room_version);
  redacted.AddMember("event_id", json::Value(target->event_id.c_str(), redacted.GetAllocator()),
                     redacted.GetAllocator());
  writer_->markRedacted(target->event_id, redaction.event_id, clientJsonOf(redacted));
}

// A redaction that arrived before its target is applied once the target is in the timeline.
void EventPipeline::Batch::applyPendingRedactions(const Event& target) {
  for (const auto& [redaction_id, sender] : writer_->redactionsOf(target.event_id)) {
    if (auto redaction = writer_->event(redaction_id)) {
      applyRedaction(*redaction);
    }
  }
}

void EventPipeline::Batch::commit() {
  for (const auto& write : pipeline_->in_transaction_writers_) {
    write(writer_->transaction(), room_, events_);
  }
  // Commits and gives the connection back to the pool at once, so the hooks below never hold
  // it while they query.
  writer_->commit();
  writer_.reset();
  positions_.clear();
  afterCommit();
}

void EventPipeline::Batch::afterCommit() {
  EventPipeline& p = *pipeline_;
  if (state_changed_) {
    p.facts_.invalidate(room_.room_id);
  }
  std::vector<StoredEvent> timeline;
  std::set<std::string> targets;  // members whose membership changed: woken even after leaving
  for (const auto& e : events_) {
    if (e.in_timeline && e.origin != EventOrigin::kBackfilled) {
      timeline.push_back(e.stored);
    }
    if (e.in_timeline && e.event.type == kMember && e.event.state_key) {
      targets.insert(*e.event.state_key);
    }
  }
  if (timeline.empty()) {
    return;
  }
  const auto facts = p.facts_.get(room_.room_id);
  if (p.event_hook_) {
    p.event_hook_(timeline, *facts);
  }
  std::vector<std::string> users;
  for (const auto& m : facts->members) {
    if (m.membership == "join" || m.membership == "invite" || targets.count(m.user_id)) {
      users.push_back(m.user_id);
    }
  }
  p.notifier_.notifyUsers(users);
  if (p.sent_hook_) {
    for (size_t i = 0; i < events_.size(); ++i) {
      if (events_[i].in_timeline) {
        p.sent_hook_(events_[i].event.event_id, room_.room_id, contents_[i]);
      }
    }
  }
}

}  // namespace hs::rooms
