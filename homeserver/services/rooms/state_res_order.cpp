// The two orderings of state resolution v2 (ALGORITHMS §16). Both end in origin_server_ts and
// then event ID, so every server sorts the same events the same way.
#include <algorithm>
#include <limits>
#include <map>
#include <tuple>

#include "homeserver/services/rooms/power_levels.h"
#include "homeserver/services/rooms/state_res.h"

namespace hs::rooms {

namespace {

// The auth event of `e` with the given type and an empty state_key, or nullptr.
const Event* authEventOfType(const Event& e, std::string_view type, const EventFetch& fetch) {
  for (const std::string& aid : e.auth_events) {
    const Event& ae = fetchOrThrow(fetch, aid);
    if (ae.type == type && ae.state_key == "") {
      return &ae;
    }
  }
  return nullptr;
}

// The sender's power as the event itself saw it: from the power_levels among its auth events,
// or, when there is none, 100 for the creator and 0 for everyone else (v12: creators are
// infinitely powerful either way; their create event is the one the room ID names).
int64_t senderPower(const Event& e, const RoomVersionRules& rules, const EventFetch& fetch) {
  const Event* create = rules.room_id_is_create_hash ? fetch("$" + e.room_id.substr(1))
                                                     : authEventOfType(e, kCreate, fetch);
  return PowerLevels::fromState(authEventOfType(e, kPowerLevels, fetch), create, rules)
      .userLevel(e.sender);
}

constexpr size_t kNotOnMainline = std::numeric_limits<size_t>::max();

// Mainline positions against one power_levels event P: index 0 is P, 1 its power_levels
// auth event, and so on; kNotOnMainline when an event's chain never meets it.
class MainlinePositions {
 public:
  MainlinePositions(const std::string& power_levels_id, const EventFetch& fetch) : fetch_(fetch) {
    const Event* p = power_levels_id.empty() ? nullptr : &fetchOrThrow(fetch, power_levels_id);
    for (size_t i = 0; p != nullptr && known_.count(p->event_id) == 0; ++i) {
      known_.emplace(p->event_id, i);
      p = authEventOfType(*p, kPowerLevels, fetch);
    }
  }

  // Walks from the event's own power_levels auth event (the event itself does not count).
  // Every power_levels event walked is remembered: the events share most of their walks.
  size_t of(const Event& e) {
    std::vector<std::string> walked;
    size_t found = kNotOnMainline;
    for (const Event* p = authEventOfType(e, kPowerLevels, fetch_); p != nullptr;
         p = authEventOfType(*p, kPowerLevels, fetch_)) {
      if (auto it = known_.find(p->event_id); it != known_.end()) {
        found = it->second;
        break;
      }
      walked.push_back(p->event_id);
    }
    for (const std::string& id : walked) {
      known_.emplace(id, found);
    }
    return found;
  }

 private:
  const EventFetch& fetch_;
  std::map<std::string, size_t> known_;  // power_levels event -> position
};

// Smaller sorts first: higher power, then older, then lower ID.
using PowerKey = std::tuple<int64_t, int64_t, std::string>;

}  // namespace

std::vector<std::string> sortByReverseTopologicalPower(const std::set<std::string>& events,
                                                       const RoomVersionRules& rules,
                                                       const EventFetch& fetch) {
  std::map<std::string, size_t> waiting_on;  // event -> its auth events in the set not yet out
  std::map<std::string, std::vector<std::string>> children;
  std::map<std::string, PowerKey> keys;
  std::set<PowerKey> ready;
  for (const std::string& id : events) {
    const Event& e = fetchOrThrow(fetch, id);
    keys[id] = {-senderPower(e, rules, fetch), e.origin_server_ts, id};
    size_t parents = 0;
    for (const std::string& aid :
         std::set<std::string>(e.auth_events.begin(), e.auth_events.end())) {
      if (events.count(aid) > 0) {
        children[aid].push_back(id);
        ++parents;
      }
    }
    waiting_on[id] = parents;
    if (parents == 0) {
      ready.insert(keys[id]);
    }
  }
  // Kahn's algorithm, always taking the smallest ready event.
  std::vector<std::string> out;
  while (!ready.empty()) {
    const std::string id = std::get<2>(*ready.begin());
    ready.erase(ready.begin());
    out.push_back(id);
    for (const std::string& child : children[id]) {
      if (--waiting_on[child] == 0) {
        ready.insert(keys[child]);
      }
    }
  }
  return out;  // auth_events cannot form a cycle: event IDs are hashes of their auth_events
}

std::vector<std::string> sortByMainline(const std::vector<std::string>& events,
                                        const std::string& power_levels_id,
                                        const EventFetch& fetch) {
  MainlinePositions positions(power_levels_id, fetch);
  // Larger position first (based on older power levels), then older, then lower ID.
  std::vector<std::tuple<size_t, int64_t, std::string>> order;
  for (const std::string& id : events) {
    const Event& e = fetchOrThrow(fetch, id);
    order.emplace_back(positions.of(e), e.origin_server_ts, id);
  }
  std::sort(order.begin(), order.end(), [](const auto& a, const auto& b) {
    if (std::get<0>(a) != std::get<0>(b)) {
      return std::get<0>(a) > std::get<0>(b);
    }
    return std::tie(std::get<1>(a), std::get<2>(a)) < std::tie(std::get<1>(b), std::get<2>(b));
  });
  std::vector<std::string> out;
  for (auto& entry : order) {
    out.push_back(std::move(std::get<2>(entry)));
  }
  return out;
}

}  // namespace hs::rooms
