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

}  // namespace hs::rooms
