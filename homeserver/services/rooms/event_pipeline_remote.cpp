// EventPipeline: PDUs from other servers (ALGORITHMS §13). Steps 1-3 (format, signatures,
// content hash) run before the room lock (checkPdu); steps 4-6 (auth against the event's own
// auth events, against the state before it, against the current state) under it.
#include <algorithm>
#include <map>
#include <set>

#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/event_pipeline.h"
#include "homeserver/services/rooms/state_res.h"

namespace hs::rooms {

namespace {

// Parents before children within the batch (Kahn's algorithm over prev_events), the
// shallowest ready PDU first; PDUs that failed their checks keep their place at the end.
std::vector<size_t> topologicalOrder(const std::vector<std::optional<CheckedPdu>>& pdus) {
  std::map<std::string, size_t> index;
  for (size_t i = 0; i < pdus.size(); ++i) {
    if (pdus[i]) {
      index.emplace(pdus[i]->event.event.event_id, i);
    }
  }
  std::vector<size_t> waiting(pdus.size(), 0);
  std::vector<std::vector<size_t>> children(pdus.size());
  std::set<std::tuple<int64_t, std::string, size_t>> ready;
  for (size_t i = 0; i < pdus.size(); ++i) {
    if (!pdus[i]) {
      continue;
    }
    const Event& e = pdus[i]->event.event;
    for (const auto& prev : std::set<std::string>(e.prev_events.begin(), e.prev_events.end())) {
      if (auto it = index.find(prev); it != index.end() && it->second != i) {
        children[it->second].push_back(i);
        ++waiting[i];
      }
    }
    if (waiting[i] == 0) {
      ready.emplace(e.depth, e.event_id, i);
    }
  }
  std::vector<size_t> out;
  while (!ready.empty()) {
    const size_t i = std::get<2>(*ready.begin());
    ready.erase(ready.begin());
    out.push_back(i);
    for (size_t child : children[i]) {
      if (--waiting[child] == 0) {
        const Event& c = pdus[child]->event.event;
        ready.emplace(c.depth, c.event_id, child);
      }
    }
  }
  for (size_t i = 0; i < pdus.size(); ++i) {
    if (std::find(out.begin(), out.end(), i) == out.end()) {
      out.push_back(i);  // failed checks, or a cycle (which hashes make impossible)
    }
  }
  return out;
}



bool sameSet(std::vector<std::string> a, const std::vector<std::pair<std::string, int64_t>>& b) {
  std::vector<std::string> ids;
  for (const auto& [id, depth] : b) {
    ids.push_back(id);
  }
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  std::sort(ids.begin(), ids.end());
  return a == ids;
}

}  // namespace

PduResult EventPipeline::receive(const std::string& room_id, std::string_view pdu_json,
                                 EventOrigin origin, const ReceiveOptions& options) {
  return receiveAll(room_id, {std::string(pdu_json)}, origin, options).front();
}

std::vector<PduResult> EventPipeline::receiveAll(const std::string& room_id,
                                                 const std::vector<std::string>& pdus,
                                                 EventOrigin origin, const ReceiveOptions& options) {
  std::vector<PduResult> results(pdus.size());
  const auto room = store_.room(room_id);
  const RoomVersionRules* rules = room ? findRoomVersion(room->room_version) : nullptr;
  if (!rules) {
    for (auto& r : results) {
      r.status = PduStatus::kUnknownRoom;
    }
    return results;
  }
  std::vector<std::optional<CheckedPdu>> checked(pdus.size());
  for (size_t i = 0; i < pdus.size(); ++i) {
    try {
      if (keys_ == nullptr) {
        throw DroppedPdu("this server cannot verify signatures of other servers");
      }
      checked[i] = checkPdu(pdus[i], room_id, *rules, *keys_);
    } catch (const DroppedPdu& e) {
      results[i].status = PduStatus::kDropped;
      results[i].reason = e.what();
      results[i].event_id = eventIdOrEmpty(pdus[i], *rules);
    }
  }
  auto batch = open(room_id);
  for (const size_t i : topologicalOrder(checked)) {
    if (checked[i]) {
      results[i] = batch.receive(std::move(*checked[i]), origin, options);
    }
  }
  batch.commit();
  return results;
}

PduResult EventPipeline::Batch::receive(CheckedPdu pdu, EventOrigin origin,
                                        const ReceiveOptions& options) {
  Incoming in{std::move(pdu), origin};
  const Event& e = in.pdu.event.event;
  std::vector<std::string> ids{e.event_id};
  ids.insert(ids.end(), e.prev_events.begin(), e.prev_events.end());
  ids.insert(ids.end(), e.auth_events.begin(), e.auth_events.end());
  for (auto& m : writer_->eventMeta(ids)) {
    in.meta.emplace(m.event_id, std::move(m));
  }
  PduResult result{PduStatus::kAccepted, e.event_id, "", {}, {}, in.pdu.redacted};
  if (auto it = in.meta.find(e.event_id); it != in.meta.end()) {
    if (!it->second.outlier || origin == EventOrigin::kOutlier) {
      result.status = PduStatus::kDuplicate;
      return result;
    }
    in.was_outlier = true;
  }
  try {
    in.rejected = checkAuthEvents(in, result);
    if (result.status != PduStatus::kMissing) {
      place(in, options, result);
    }
  } catch (const MissingEventError& missing) {
    // An auth chain with a hole: the events were stored without theirs. Refetching helps.
    result.status = PduStatus::kMissing;
    result.missing_auth_events = {missing.eventId()};
  }
  return result;
}

// §13 step 4: the event against its own auth_events. nullopt when allowed; the reason when
// rejected; result.status kMissing when some are unknown.
std::optional<std::string> EventPipeline::Batch::checkAuthEvents(const Incoming& in,
                                                                 PduResult& result) {
  const Event& e = in.pdu.event.event;
  const auto& meta = in.meta;
  const RoomVersionRules& rules = *findRoomVersion(room_.room_version);
  std::vector<std::string> wanted = e.auth_events;
  if (rules.room_id_is_create_hash && e.type != kCreate) {
    wanted.push_back(createEventIdForRoom(room_.room_id));
  }
  for (const auto& id : wanted) {
    if (!meta.count(id) && std::find(e.auth_events.begin(), e.auth_events.end(), id) != e.auth_events.end()) {
      result.missing_auth_events.push_back(id);
    }
  }
  std::vector<Event> loaded = writer_->events(wanted);
  const Event* room_create = nullptr;
  if (rules.room_id_is_create_hash && e.type != kCreate) {
    for (const auto& ae : loaded) {
      room_create = ae.event_id == createEventIdForRoom(room_.room_id) ? &ae : room_create;
    }
    if (room_create == nullptr && result.missing_auth_events.empty()) {
      result.missing_auth_events.push_back(createEventIdForRoom(room_.room_id));
    }
  }
  if (!result.missing_auth_events.empty()) {
    result.status = PduStatus::kMissing;
    return std::nullopt;
  }
  std::vector<const Event*> auth_events;
  for (const auto& id : e.auth_events) {
    const auto it = std::find_if(loaded.begin(), loaded.end(), [&](const Event& x) { return x.event_id == id; });
    auth_events.push_back(it == loaded.end() ? nullptr : &*it);
  }
  const AuthResult r =
      authCheckAgainstAuthEvents(e, auth_events, room_.room_version, authHooksFor(in.pdu), room_create);
  if (r.allowed) {
    return std::nullopt;
  }
  return "auth events: " + r.reason;
}

// §13 steps 5-6 and where the event goes: the timeline (a new position, or a negative one for
// backfilled history), the forward extremities, the current state.
void EventPipeline::Batch::place(Incoming& in, const ReceiveOptions& options, PduResult& result) {
  const Event& e = in.pdu.event.event;
  if (in.origin == EventOrigin::kOutlier) {
    Placement p;
    p.outlier = true;
    p.rejected = in.rejected;
    record(writer_->persist(in.pdu.event, p), e, in.origin, false);
  } else {
    const auto before = stateBefore(e, in.meta, options, result);
    if (!before) {
      return;  // kMissing
    }
    checkAgainstState(in, *before);
    placeInTimeline(in, *before);
  }
  result.status = in.rejected      ? PduStatus::kRejected
                  : in.soft_failed ? PduStatus::kSoftFailed
                                   : PduStatus::kAccepted;
  result.reason = in.rejected.value_or(in.soft_failed ? "not allowed by the current state" : "");
}

// Step 5 (reject) against the state before the event; step 6 (soft-fail) against the current
// state, for new events only: backfilled history is older than the current state.
void EventPipeline::Batch::checkAgainstState(Incoming& in, const StateBefore& before) {
  const Event& e = in.pdu.event.event;
  const AuthHooks hooks = authHooksFor(in.pdu);
  if (!in.rejected) {
    const auto state = stateFor(e, before);
    const AuthResult r = authCheck(e, lookupInList(state), room_.room_version, hooks);
    if (!r.allowed) {
      in.rejected = "state before the event: " + r.reason;
    }
  }
  if (!in.rejected && in.origin == EventOrigin::kRemote && !before.is_current) {
    const auto current = stateFor(e, StateBefore{writer_->currentGroup(), true});
    in.soft_failed = !authCheck(e, lookupInList(current), room_.room_version, hooks).allowed;
  }
}

void EventPipeline::Batch::placeInTimeline(Incoming& in, const StateBefore& before) {
  const Event& e = in.pdu.event.event;
  const bool timeline = !in.rejected && !in.soft_failed;
  Placement p;
  p.was_outlier = in.was_outlier;
  p.state_before = before.group;
  p.rejected = in.rejected;
  p.soft_failed = in.soft_failed;
  if (timeline) {
    const bool has_children = writer_->removeBackwardExtremity(e.event_id);
    if (in.origin == EventOrigin::kBackfilled) {
      p.stream_pos = writer_->nextBackfillPosition();
    } else {
      positions_.push_back(std::make_unique<streams::StreamTracker::Reservation>(pipeline_->stream_));
      p.stream_pos = positions_.back()->position();
    }
    p.extremity = in.origin == EventOrigin::kRemote && !has_children;
    p.advances_current = p.extremity && !in.was_outlier && before.is_current &&
                         sameSet(e.prev_events, writer_->extremities());
  }
  StoredEvent stored = writer_->persist(in.pdu.event, p);
  if (timeline) {
    std::vector<std::string> gaps;  // prev events backfill still has to fetch
    for (const auto& prev : e.prev_events) {
      const auto it = in.meta.find(prev);
      if (it == in.meta.end() || it->second.outlier) {
        gaps.push_back(prev);
      }
    }
    writer_->addBackwardExtremities(gaps);
    if (p.extremity && !p.advances_current) {
      state_changed_ = resolveCurrentState(*p.stream_pos) || state_changed_;
    } else if (p.advances_current) {
      state_changed_ = state_changed_ || e.isState();
    }
  }
  record(std::move(stored), e, in.origin, timeline);
  if (timeline) {
    if (e.redacts) {
      applyRedaction(e);
    }
    applyPendingRedactions(e);
  }
}

}  // namespace hs::rooms
