// EventPipeline: the state before an event (the resolution of its prev_events' states) and the
// current state (the resolution of the forward extremities' states), ALGORITHMS §16.
#include <algorithm>

#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/event_pipeline.h"
#include "homeserver/services/rooms/state_res.h"

namespace hs::rooms {

namespace {
bool sameIds(std::vector<std::string> a, std::vector<std::string> b) {
  std::sort(a.begin(), a.end());
  a.erase(std::unique(a.begin(), a.end()), a.end());
  std::sort(b.begin(), b.end());
  return a == b;
}

std::vector<std::string> idsOf(const std::vector<std::pair<std::string, int64_t>>& extremities) {
  std::vector<std::string> out;
  for (const auto& [id, depth] : extremities) {
    out.push_back(id);
  }
  return out;
}
}  // namespace

std::optional<EventPipeline::Batch::StateBefore> EventPipeline::Batch::stateBefore(
    const Event& e, const std::map<std::string, EventMeta>& meta, const ReceiveOptions& options,
    PduResult& result) {
  std::vector<int64_t> groups;
  std::vector<StateMap> supplied;
  for (const auto& prev : e.prev_events) {
    const auto it = meta.find(prev);
    if (it != meta.end() && !it->second.outlier && it->second.state_group) {
      groups.push_back(*it->second.state_group);
    } else if (auto s = options.prev_states.find(prev); s != options.prev_states.end()) {
      supplied.push_back(s->second);
    } else {
      result.missing_prev_events.push_back(prev);
    }
  }
  std::vector<std::string> named;  // the events the supplied states name must be stored
  for (const auto& state : supplied) {
    for (const auto& [key, id] : state) {
      named.push_back(id);
    }
  }
  std::set<std::string> stored;
  for (const auto& m : writer_->eventMeta(named)) {
    stored.insert(m.event_id);
  }
  for (const auto& id : std::set<std::string>(named.begin(), named.end())) {
    if (!stored.count(id)) {
      result.missing_auth_events.push_back(id);
    }
  }
  if (!result.missing_prev_events.empty() || !result.missing_auth_events.empty()) {
    result.status = PduStatus::kMissing;
    return std::nullopt;
  }
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  const int64_t current = writer_->currentGroup();
  if (supplied.empty()) {
    if (groups.empty()) {
      return StateBefore{0, current == 0};  // the create event
    }
    if (groups.size() == 1) {
      return StateBefore{groups[0], groups[0] == current};
    }
    if (current != 0 && sameIds(e.prev_events, idsOf(writer_->extremities()))) {
      return StateBefore{current, true};  // the current state is that resolution already
    }
  }
  std::vector<StateMap> sets;
  for (const int64_t g : groups) {
    sets.push_back(writer_->groupState(g));
  }
  sets.insert(sets.end(), supplied.begin(), supplied.end());
  const int64_t group = writer_->writeGroup(resolve(sets), groups.empty() ? 0 : groups.front());
  return StateBefore{group, group == current};
}

// State resolution over events read from the store: every event of the sets and of their
// auth chains in one query.
StateMap EventPipeline::Batch::resolve(const std::vector<StateMap>& sets) {
  std::vector<std::string> ids;
  for (const auto& set : sets) {
    for (const auto& [key, id] : set) {
      ids.push_back(id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  std::map<std::string, Event> events;
  for (auto& ev : writer_->authChains(ids)) {
    events.emplace(ev.event_id, std::move(ev));
  }
  const EventFetch fetch = [&events](const std::string& id) -> const Event* {
    const auto it = events.find(id);
    return it == events.end() ? nullptr : &it->second;
  };
  return resolveState(sets, room_.room_version, fetch);
}

bool EventPipeline::Batch::resolveCurrentState(int64_t stream_pos) {
  std::vector<int64_t> groups;
  for (const auto& m : writer_->eventMeta(idsOf(writer_->extremities()))) {
    if (m.state_group) {
      groups.push_back(*m.state_group);
    }
  }
  std::sort(groups.begin(), groups.end());
  groups.erase(std::unique(groups.begin(), groups.end()), groups.end());
  if (groups.empty()) {
    return false;
  }
  int64_t group = groups.front();
  if (groups.size() > 1) {
    std::vector<StateMap> sets;
    for (const int64_t g : groups) {
      sets.push_back(writer_->groupState(g));
    }
    group = writer_->writeGroup(resolve(sets), writer_->currentGroup());
  }
  return writer_->setCurrentState(group, stream_pos);
}

// The events of the state before `e` that its auth check reads (rejected events are never
// state; the create event always, since room v12 events do not cite it).
std::vector<Event> EventPipeline::Batch::stateFor(const Event& e, const StateBefore& before) {
  auto keys = authKeysFor(e.type, e.state_key, e.sender, e.content());
  const StateKey create{std::string(kCreate), ""};
  if (std::find(keys.begin(), keys.end(), create) == keys.end()) {
    keys.push_back(create);
  }
  auto events = before.is_current ? writer_->stateEvents(keys)
                                  : writer_->stateEventsAt(before.group, keys);
  std::erase_if(events, [](const Event& x) { return x.rejected; });
  return events;
}

}  // namespace hs::rooms
