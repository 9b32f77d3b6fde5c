// State resolution v2 (ALGORITHMS §16) and its room v12 revision "2.1": the split into
// unconflicted and conflicted state, the auth difference, the conflicted state subgraph, the
// iterative auth checks and the five steps. The two orderings live in state_res_order.cpp,
// room v1's algorithm in state_res_v1.cpp.
#include "homeserver/services/rooms/state_res.h"

#include <algorithm>
#include <map>

#include "homeserver/core/matrix_error.h"

namespace hs::rooms {

namespace {

struct Split {
  StateMap unconflicted;
  std::set<std::string> conflicted;  // event IDs
};

// A key is unconflicted when every set maps it to the same event; a key missing from any set
// is conflicted.
Split splitConflicts(const std::vector<StateMap>& sets) {
  std::set<StateKey> keys;
  for (const StateMap& s : sets) {
    for (const auto& [key, id] : s) {
      keys.insert(key);
    }
  }
  Split out;
  for (const StateKey& key : keys) {
    std::set<std::string> values;
    size_t present = 0;
    for (const StateMap& s : sets) {
      if (auto it = s.find(key); it != s.end()) {
        values.insert(it->second);
        ++present;
      }
    }
    if (present == sets.size() && values.size() == 1) {
      out.unconflicted.emplace(key, *values.begin());
    } else {
      out.conflicted.insert(values.begin(), values.end());
    }
  }
  return out;
}

// (∪ Ci) − (∩ Ci) where Ci is the auth chain of the events of set i. As the spec words it, a
// chain leaves out the state events themselves. (Synapse counts them in; the two differ only
// on unconflicted events, which step 5 puts back anyway.)
std::set<std::string> authDifference(const std::vector<StateMap>& sets, const EventFetch& fetch) {
  std::vector<std::set<std::string>> chains;
  for (const StateMap& s : sets) {
    std::vector<std::string> ids;
    for (const auto& [key, id] : s) {
      ids.push_back(id);
    }
    chains.push_back(authChainOf(ids, fetch));
  }
  std::set<std::string> difference;
  for (const auto& chain : chains) {
    for (const std::string& id : chain) {
      const bool in_all = std::all_of(chains.begin(), chains.end(),
                                      [&id](const auto& c) { return c.count(id) > 0; });
      if (!in_all) {
        difference.insert(id);
      }
    }
  }
  return difference;
}

// Step 1: the power events of the full conflicted set together with the part of their auth
// chains that is also in it. The walk goes through full-set events only, as Synapse's does.
std::set<std::string> powerEventsWithChains(const std::set<std::string>& full,
                                            const EventFetch& fetch) {
  std::set<std::string> out;
  std::vector<std::string> todo;
  for (const std::string& id : full) {
    if (isPowerEvent(fetchOrThrow(fetch, id))) {
      todo.push_back(id);
    }
  }
  while (!todo.empty()) {
    const std::string id = std::move(todo.back());
    todo.pop_back();
    if (!out.insert(id).second) {
      continue;
    }
    for (const std::string& aid : fetchOrThrow(fetch, id).auth_events) {
      if (full.count(aid) > 0 && out.count(aid) == 0) {
        todo.push_back(aid);
      }
    }
  }
  return out;
}

// The auth state an event is checked against during resolution: its own auth events that were
// not rejected, overridden by the partial state for every key the event may cite.
EventStateMap authStateFor(const Event& e, const StateMap& state, const RoomVersionRules& rules,
                           const EventFetch& fetch) {
  EventStateMap auth;
  if (rules.room_id_is_create_hash && e.type != kCreate) {  // v12: the room ID names it
    if (const Event* create = fetch("$" + e.room_id.substr(1))) {
      auth[{std::string(kCreate), ""}] = create;
    }
  }
  for (const std::string& aid : e.auth_events) {
    const Event* ae = fetch(aid);
    if (ae != nullptr && !ae->rejected && ae->state_key) {
      auth[{ae->type, *ae->state_key}] = ae;
    }
  }
  for (const StateKey& key : authKeysFor(e.type, e.state_key, e.sender, e.content(), rules)) {
    const auto it = state.find(key);
    if (it == state.end()) {
      continue;
    }
    const Event& current = fetchOrThrow(fetch, it->second);
    if (!current.rejected) {
      auth[key] = &current;
    }
  }
  return auth;
}

// v12: every event on an auth_events path from one conflicted event to another, endpoints
// included: the events reachable from a conflicted event that reach a conflicted event.
std::set<std::string> conflictedSubgraph(const std::set<std::string>& conflicted,
                                         const EventFetch& fetch) {
  std::map<std::string, bool> reaches;  // event -> whether it reaches a conflicted event
  std::set<std::string> out;
  // Iterative DFS: an event's answer is known once all its auth events have theirs.
  for (const std::string& start : conflicted) {
    std::vector<std::pair<std::string, bool>> stack{{start, false}};
    while (!stack.empty()) {
      auto [id, expanded] = stack.back();
      stack.pop_back();
      if (reaches.count(id) && !expanded) {
        continue;
      }
      const Event& e = fetchOrThrow(fetch, id);
      if (!expanded) {
        reaches[id] = false;  // visiting: a cycle cannot occur (IDs hash their auth events)
        stack.emplace_back(id, true);
        for (const std::string& aid : e.auth_events) {
          if (!reaches.count(aid)) {
            stack.emplace_back(aid, false);
          }
        }
        continue;
      }
      bool r = false;
      for (const std::string& aid : e.auth_events) {
        r = r || conflicted.count(aid) > 0 || reaches[aid];
      }
      reaches[id] = r;
      if (r || conflicted.count(id)) {
        out.insert(id);
      }
    }
  }
  return out;
}

}  // namespace

const Event& fetchOrThrow(const EventFetch& fetch, const std::string& event_id) {
  const Event* e = fetch(event_id);
  if (e == nullptr) {
    throw MissingEventError(event_id);
  }
  return *e;
}

bool isPowerEvent(const Event& e) {
  if (!e.state_key) {
    return false;
  }
  if (e.type == kPowerLevels || e.type == kJoinRules) {
    return true;
  }
  const std::string_view membership = e.membership();
  return e.type == kMember && (membership == "leave" || membership == "ban") &&
         e.sender != *e.state_key;
}

std::set<std::string> authChainOf(const std::vector<std::string>& event_ids,
                                  const EventFetch& fetch) {
  std::set<std::string> chain;
  std::vector<std::string> todo;
  for (const std::string& id : event_ids) {
    const Event& e = fetchOrThrow(fetch, id);
    todo.insert(todo.end(), e.auth_events.begin(), e.auth_events.end());
  }
  while (!todo.empty()) {
    std::string id = std::move(todo.back());
    todo.pop_back();
    if (chain.count(id) > 0) {
      continue;
    }
    const Event& e = fetchOrThrow(fetch, id);
    chain.insert(std::move(id));
    todo.insert(todo.end(), e.auth_events.begin(), e.auth_events.end());
  }
  return chain;
}

StateMap iterativeAuthChecks(StateMap state, const std::vector<std::string>& events,
                             const RoomVersionRules& rules, const EventFetch& fetch,
                             const AuthHooks& hooks) {
  for (const std::string& id : events) {
    const Event& e = fetchOrThrow(fetch, id);
    if (!e.state_key) {
      continue;  // only state events reach here; be safe if a caller passes others
    }
    // Spec: an event rejected only for the state at it takes part like any other (Synapse
    // skips it); rejected *auth* events are never used (authStateFor).
    const EventStateMap auth = authStateFor(e, state, rules, fetch);
    if (authCheck(e, lookupIn(auth), rules.id, hooks).allowed) {
      state[{e.type, *e.state_key}] = id;
    }
  }
  return state;
}

StateMap resolveState(const std::vector<StateMap>& state_sets, std::string_view room_version,
                      const EventFetch& fetch, const AuthHooks& hooks) {
  const RoomVersionRules* rules = findRoomVersion(room_version);
  if (rules == nullptr) {
    throw core::MatrixError(core::ErrCode::UnsupportedRoomVersion,
                            "Unsupported room version '" + std::string(room_version) + "'");
  }
  if (state_sets.size() <= 1) {
    return state_sets.empty() ? StateMap{} : state_sets.front();
  }
  if (rules->state_res == StateResAlgorithm::kV1) {
    return resolveStateV1(state_sets, *rules, fetch, hooks);
  }
  Split split = splitConflicts(state_sets);
  if (split.conflicted.empty()) {
    return split.unconflicted;
  }
  const bool v21 = rules->state_res == StateResAlgorithm::kV21;
  std::set<std::string> full = split.conflicted;
  full.merge(authDifference(state_sets, fetch));
  if (v21) {
    full.merge(conflictedSubgraph(split.conflicted, fetch));
  }

  const std::set<std::string> power = powerEventsWithChains(full, fetch);
  const std::vector<std::string> power_order = sortByReverseTopologicalPower(power, *rules, fetch);
  // v2.1 starts the power events from nothing, so no unconflicted entry shields them.
  StateMap partial =
      iterativeAuthChecks(v21 ? StateMap{} : split.unconflicted, power_order, *rules, fetch, hooks);

  std::vector<std::string> others;
  std::copy_if(full.begin(), full.end(), std::back_inserter(others),
               [&power](const std::string& id) { return power.count(id) == 0; });
  const auto pl = partial.find({std::string(kPowerLevels), ""});
  const std::string pl_id = pl == partial.end() ? std::string() : pl->second;
  const std::vector<std::string> other_order = sortByMainline(others, pl_id, fetch);
  StateMap resolved = iterativeAuthChecks(std::move(partial), other_order, *rules, fetch, hooks);

  for (const auto& [key, id] : split.unconflicted) {
    resolved[key] = id;
  }
  return resolved;
}

}  // namespace hs::rooms
