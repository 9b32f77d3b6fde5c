// EventPipeline reads for other servers: the state at an event and its auth chain, read from the
// state groups in one transaction of the room (no lock: nothing is written).
#include <set>

#include "homeserver/services/rooms/event_pipeline.h"

namespace hs::rooms {

namespace {
// The state before `e` from the state after it: the key `e` set goes back to the event its
// auth events cite at that key (a member event cites the target's previous membership), or to
// nothing.
StateMap stateBeforeFromAfter(StateMap after, const Event& e, const std::vector<Event>& auth_events) {
  const StateKey key{e.type, *e.state_key};
  after.erase(key);
  for (const auto& a : auth_events) {
    if (a.state_key && a.type == key.first && *a.state_key == key.second) {
      after[key] = a.event_id;
    }
  }
  return after;
}
}  // namespace

std::optional<StateAndAuth> EventPipeline::stateBeforeEvent(const std::string& room_id,
                                                            const std::string& event_id) {
  auto writer = store_.writer(room_id);
  const auto meta = writer->eventMeta({event_id});
  if (meta.empty() || meta[0].room_id != room_id || !meta[0].state_group) {
    return std::nullopt;
  }
  StateMap state = writer->groupState(*meta[0].state_group);
  const auto event = writer->event(event_id);
  if (!event) {
    return std::nullopt;
  }
  // A rejected event changed nothing: its group is the state before it already.
  if (event->isState() && !meta[0].rejected) {
    state = stateBeforeFromAfter(std::move(state), *event, writer->events(event->auth_events));
  }
  std::vector<std::string> ids;
  for (const auto& [key, id] : state) {
    ids.push_back(id);
  }
  StateAndAuth out;
  out.state = writer->events(ids);
  const std::set<std::string> in_state(ids.begin(), ids.end());
  for (auto& e : writer->authChains(ids)) {
    if (!in_state.count(e.event_id)) {
      out.auth_chain.push_back(std::move(e));
    }
  }
  return out;
}


std::optional<Event> EventPipeline::storedEvent(const std::string& event_id) {
  auto writer = store_.writer("");
  auto e = writer->event(event_id);
  if (!e || e->rejected) {
    return std::nullopt;
  }
  return e;
}

std::vector<Event> EventPipeline::authChainOf(const std::string& room_id, const std::vector<std::string>& auth_events) {
  auto writer = store_.writer(room_id);
  std::vector<Event> out;
  for (auto& e : writer->authChains(auth_events)) {
    if (e.room_id == room_id) {
      out.push_back(std::move(e));
    }
  }
  return out;
}

std::vector<Event> EventPipeline::walkBack(const std::string& room_id, const WalkBack& walk) {
  auto writer = store_.writer(room_id);
  std::set<std::string> seen(walk.stop.begin(), walk.stop.end());
  std::vector<std::string> frontier;
  std::vector<Event> out;
  const auto visit = [&](std::vector<Event> events, bool take) {
    std::vector<std::string> next;
    for (auto& e : events) {
      if (e.room_id != room_id || e.rejected || e.depth < walk.min_depth) {
        continue;
      }
      next.insert(next.end(), e.prev_events.begin(), e.prev_events.end());
      if (take && out.size() < walk.limit) {
        out.push_back(std::move(e));
      }
    }
    frontier.clear();
    for (auto& id : next) {
      if (seen.insert(id).second) {
        frontier.push_back(std::move(id));
      }
    }
  };
  for (const auto& id : walk.from) {
    seen.insert(id);
  }
  visit(writer->events(walk.from), walk.include_from);
  while (!frontier.empty() && out.size() < walk.limit) {
    visit(writer->events(frontier), true);
  }
  return out;
}

std::vector<std::string> EventPipeline::forwardExtremities(const std::string& room_id) {
  auto writer = store_.writer(room_id);
  std::vector<std::string> out;
  if (writer->lockRoom()) {
    for (const auto& [id, depth] : writer->extremities()) {
      out.push_back(id);
    }
  }
  return out;
}

}  // namespace hs::rooms
