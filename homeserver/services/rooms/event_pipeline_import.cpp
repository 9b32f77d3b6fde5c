// EventPipeline::importRoom: the state and auth chain of a remote room (send_join's answer,
// thousands of events for a big room), checked and stored in a few statements instead of one
// transaction per event.
#include <map>
#include <queue>

#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/event_pipeline.h"

namespace hs::rooms {

namespace {

// Auth events before the events citing them (Kahn's algorithm over auth_events); events whose
// auth events are not all in `events` come first (their auth events are stored already).
std::vector<std::string> authOrder(const std::map<std::string, CheckedPdu>& events) {
  std::map<std::string, size_t> waiting;
  std::map<std::string, std::vector<std::string>> children;
  std::queue<std::string> ready;
  for (const auto& [id, pdu] : events) {
    size_t parents = 0;
    for (const auto& aid : std::set<std::string>(pdu.event.event.auth_events.begin(),
                                                 pdu.event.event.auth_events.end())) {
      if (events.count(aid)) {
        children[aid].push_back(id);
        ++parents;
      }
    }
    waiting[id] = parents;
    if (parents == 0) {
      ready.push(id);
    }
  }
  std::vector<std::string> out;
  while (!ready.empty()) {
    out.push_back(ready.front());
    ready.pop();
    for (const auto& child : children[out.back()]) {
      if (--waiting[child] == 0) {
        ready.push(child);
      }
    }
  }
  return out;
}


}  // namespace

ImportResult EventPipeline::importRoom(const RoomImport& import) {
  ImportResult out;
  const RoomVersionRules* rules = findRoomVersion(import.room_version);
  if (rules == nullptr || keys_ == nullptr) {
    out.reason = rules ? "this server cannot verify other servers' signatures"
                       : "unsupported room version " + import.room_version;
    return out;
  }
  std::map<std::string, CheckedPdu> events;
  std::vector<std::string> state_ids;
  const auto check = [&](const std::string& pdu, bool is_state) {
    try {
      CheckedPdu c = checkPdu(pdu, import.room_id, *rules, *keys_);
      const std::string id = c.event.event.event_id;
      if (is_state) {
        state_ids.push_back(id);
      }
      events.emplace(id, std::move(c));
    } catch (const DroppedPdu& e) {
      out.dropped.push_back(e.what());
    }
  };
  for (const auto& pdu : import.state) {
    check(pdu, true);
  }
  for (const auto& pdu : import.auth_chain) {
    check(pdu, false);
  }
  const auto create = events.find(createEventIdFor(import, events, *rules));
  if (create == events.end()) {
    out.reason = "the state has no m.room.create event for this room";
    return out;
  }
  const bool known = store_.room(import.room_id).has_value();
  auto batch = known ? open(import.room_id)
                     : insert(RoomInfo{import.room_id, import.room_version,
                                       create->second.event.event.sender, false});
  if (!batch.importEvents(events, state_ids, !known, out)) {
    return out;  // missing auth events: nothing was stored
  }
  batch.commit();
  out.imported = true;
  return out;
}

// The ID of the create event among `events`: the one the room ID names in room v12, else the
// m.room.create of the import (there is one per room).
std::string EventPipeline::createEventIdFor(const RoomImport& import,
                                            const std::map<std::string, CheckedPdu>& events,
                                            const RoomVersionRules& rules) {
  if (rules.room_id_is_create_hash) {
    return createEventIdForRoom(import.room_id);
  }
  for (const auto& [id, pdu] : events) {
    if (pdu.event.event.type == kCreate && pdu.event.event.state_key == "") {
      return id;
    }
  }
  return {};
}

// The auth events the import cites but does not carry, read from the store; those that are
// not stored either go to out.missing_auth_events.
std::map<std::string, Event> EventPipeline::Batch::storedAuthEvents(
    const std::map<std::string, CheckedPdu>& events, ImportResult& out) {
  std::vector<std::string> outside;
  for (const auto& [id, pdu] : events) {
    for (const auto& aid : pdu.event.event.auth_events) {
      if (!events.count(aid)) {
        outside.push_back(aid);
      }
    }
  }
  std::map<std::string, Event> stored;
  for (auto& e : writer_->events(outside)) {
    stored.emplace(e.event_id, std::move(e));
  }
  for (const auto& id : outside) {
    if (!stored.count(id)) {
      out.missing_auth_events.push_back(id);
    }
  }
  return stored;
}

bool EventPipeline::Batch::importEvents(std::map<std::string, CheckedPdu>& events,
                                        const std::vector<std::string>& state_ids, bool new_room,
                                        ImportResult& out) {
  std::map<std::string, Event> stored = storedAuthEvents(events, out);
  if (!out.missing_auth_events.empty()) {
    out.reason = "the auth chain is incomplete";
    return false;
  }
  const auto find = [&](const std::string& id) -> Event* {
    if (auto it = events.find(id); it != events.end()) {
      return &it->second.event.event;
    }
    auto it = stored.find(id);
    return it == stored.end() ? nullptr : &it->second;
  };
  const RoomVersionRules& rules = *findRoomVersion(room_.room_version);
  const Event* room_create = rules.room_id_is_create_hash ? find(createEventIdForRoom(room_.room_id)) : nullptr;
  std::vector<OutlierRow> rows;
  for (const auto& id : authOrder(events)) {
    CheckedPdu& pdu = events.at(id);
    Event& e = pdu.event.event;
    std::vector<const Event*> auth_events;
    for (const auto& aid : e.auth_events) {
      auth_events.push_back(find(aid));
    }
    const AuthResult r = authCheckAgainstAuthEvents(e, auth_events, room_.room_version,
                                                    authHooksFor(pdu), room_create);
    std::optional<std::string> rejected;
    if (!r.allowed) {
      e.rejected = true;  // rule 2.3 then rejects the events citing it
      rejected = "auth events: " + r.reason;
      out.rejected.push_back(id);
    }
    rows.push_back(OutlierRow{&pdu.event, rejected});
  }
  writer_->insertOutliers(rows);
  for (const auto& id : state_ids) {
    const Event& e = events.at(id).event.event;
    if (!e.rejected && e.state_key) {
      out.state[{e.type, *e.state_key}] = id;
    }
  }
  out.state_group = writer_->writeGroup(out.state, 0);
  if (new_room) {
    positions_.push_back(std::make_unique<streams::StreamTracker::Reservation>(pipeline_->stream_));
    state_changed_ = writer_->setCurrentState(out.state_group, positions_.back()->position());
  }
  return true;
}

}  // namespace hs::rooms
