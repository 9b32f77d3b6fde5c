// State resolution for room version 1 (the spec's content/rooms/v1.md, "State resolution"),
// computed as Synapse does so that both sides resolve the same: a key two states disagree on
// is conflicted (a key only some states have is not); power levels, then join rules, then
// each member's key are resolved by walking their candidates in depth order and keeping each
// one the auth rules allow on top of the previous; any other conflict takes the deepest
// candidate the rules allow.
#include <algorithm>
#include <map>
#include <set>

#include "homeserver/core/digest.h"
#include "homeserver/services/rooms/state_res.h"

namespace hs::rooms {

namespace {

using Candidates = std::map<StateKey, std::vector<const Event*>>;

// Deepest first, then the lowest SHA-1 of the event ID (hex).
std::vector<const Event*> ordered(std::vector<const Event*> events) {
  std::sort(events.begin(), events.end(), [](const Event* a, const Event* b) {
    if (a->depth != b->depth) {
      return a->depth > b->depth;
    }
    return core::toHex(core::sha1(a->event_id)) < core::toHex(core::sha1(b->event_id));
  });
  return events;
}

bool allowed(const Event& e, const EventStateMap& auth, const RoomVersionRules& rules,
             const AuthHooks& hooks) {
  return authCheck(e, lookupIn(auth), rules.id, hooks).allowed;
}

// Power levels, join rules and members: from the shallowest candidate, each next one replaces
// the previous while the rules allow it.
const Event* resolveAuthKey(const std::vector<const Event*>& events, EventStateMap auth,
                            const RoomVersionRules& rules, const AuthHooks& hooks) {
  std::vector<const Event*> order = ordered(events);
  std::reverse(order.begin(), order.end());
  const Event* prev = order.front();
  for (size_t i = 1; i < order.size(); ++i) {
    auth[{prev->type, *prev->state_key}] = prev;
    if (!allowed(*order[i], auth, rules, hooks)) {
      return prev;
    }
    prev = order[i];
  }
  return prev;
}

// Other keys: the deepest candidate the rules allow, else the shallowest.
const Event* resolveNormalKey(const std::vector<const Event*>& events, const EventStateMap& auth,
                              const RoomVersionRules& rules, const AuthHooks& hooks) {
  const std::vector<const Event*> order = ordered(events);
  for (const Event* e : order) {
    if (allowed(*e, auth, rules, hooks)) {
      return e;
    }
  }
  return order.back();
}

}  // namespace

StateMap resolveStateV1(const std::vector<StateMap>& state_sets, const RoomVersionRules& rules,
                        const EventFetch& fetch, const AuthHooks& hooks) {
  StateMap unconflicted;
  std::map<StateKey, std::set<std::string>> conflicted;
  for (const StateMap& set : state_sets) {
    for (const auto& [key, id] : set) {
      if (auto c = conflicted.find(key); c != conflicted.end()) {
        c->second.insert(id);
      } else if (auto u = unconflicted.find(key); u == unconflicted.end()) {
        unconflicted.emplace(key, id);
      } else if (u->second != id) {
        conflicted[key] = {u->second, id};
        unconflicted.erase(u);
      }
    }
  }
  Candidates candidates;
  EventStateMap auth;  // the unconflicted entries the conflicted events' rules read
  for (const auto& [key, ids] : conflicted) {
    for (const std::string& id : ids) {
      const Event& e = fetchOrThrow(fetch, id);
      candidates[key].push_back(&e);
      for (const StateKey& k : authKeysFor(e.type, e.state_key, e.sender, e.content(), rules)) {
        if (auto u = unconflicted.find(k); u != unconflicted.end() && !auth.count(k)) {
          auth[k] = &fetchOrThrow(fetch, u->second);
        }
      }
    }
  }
  std::map<StateKey, const Event*> resolved;
  const auto pass = [&](auto wanted) {
    for (const auto& [key, events] : candidates) {
      if (!resolved.count(key) && wanted(key)) {
        resolved[key] = resolveAuthKey(events, auth, rules, hooks);
      }
    }
    for (const auto& [key, e] : resolved) {
      auth[key] = e;
    }
  };
  pass([](const StateKey& k) { return k.first == kPowerLevels && k.second.empty(); });
  pass([](const StateKey& k) { return k.first == kJoinRules; });
  pass([](const StateKey& k) { return k.first == kMember; });
  for (const auto& [key, events] : candidates) {
    if (!resolved.count(key)) {
      resolved[key] = resolveNormalKey(events, auth, rules, hooks);
    }
  }
  for (const auto& [key, e] : resolved) {
    unconflicted[key] = e->event_id;
  }
  return unconflicted;
}

}  // namespace hs::rooms
