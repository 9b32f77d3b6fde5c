// Auth rules 1, 2, 3 and 5-10 (ALGORITHMS §14). Rule 4 (membership) is in
// auth_rules_member.cpp and rule 9 (power levels) in auth_rules_power.cpp.
#include "homeserver/services/rooms/auth_rules.h"

#include <algorithm>
#include <set>

#include "homeserver/services/rooms/auth_internal.h"

namespace hs::rooms {

using detail::AuthContext;

namespace {

// Rule 1.
AuthResult checkCreate(const Event& e, const RoomVersionRules& rules) {
  if (!e.prev_events.empty()) {
    return AuthResult::deny("m.room.create must not have prev_events");
  }
  if (domainOf(e.room_id) != domainOf(e.sender)) {
    return AuthResult::deny("m.room.create: the room ID's server differs from the sender's");
  }
  // Absent means version "1", which is not the version this room is checked as either.
  const std::string_view version =
      stringMember(e.content(), "room_version").value_or(std::string_view("1"));
  if (findRoomVersion(version) == nullptr || version != rules.id) {
    return AuthResult::deny("m.room.create: room_version '" + std::string(version) +
                            "' is not recognised for this room");
  }
  if (!rules.creator_is_sender && json::member(e.content(), "creator") == nullptr) {
    return AuthResult::deny("m.room.create: content.creator is required in room version 10");
  }
  return AuthResult::allow("m.room.create is valid");
}

// Rule 3: a room created with m.federate=false stays on its creator's server.
std::optional<AuthResult> checkFederate(const AuthContext& ctx) {
  const json::Value* federate = json::member(ctx.create->content(), "m.federate");
  const bool local_only = federate != nullptr && federate->IsBool() && !federate->GetBool();
  if (local_only && domainOf(ctx.e.sender) != domainOf(ctx.create->sender)) {
    return AuthResult::deny("the room does not federate and the sender is on another server");
  }
  return std::nullopt;
}

// Rules 5-10, for every event other than m.room.create and m.room.member.
AuthResult checkOther(const AuthContext& ctx) {
  const Event& e = ctx.e;
  if (ctx.membershipOf(e.sender) != "join") {
    return AuthResult::deny(e.sender + " is not joined to the room");
  }
  const int64_t sender_level = ctx.levelOf(e.sender);
  if (e.type == kThirdPartyInvite) {
    if (sender_level >= ctx.levels.invite()) {
      return AuthResult::allow("sender has the invite level");
    }
    return AuthResult::deny("sender lacks the invite level needed for a third-party invite");
  }
  const int64_t required = ctx.levels.requiredLevel(e.type, e.isState());
  if (sender_level < required) {
    return AuthResult::deny("sender's power level " + std::to_string(sender_level) +
                            " is below the " + std::to_string(required) + " needed for " + e.type);
  }
  if (e.state_key && !e.state_key->empty() && e.state_key->front() == '@' &&
      *e.state_key != e.sender) {
    return AuthResult::deny("a state_key starting with '@' must be the sender's user ID");
  }
  if (e.type == kPowerLevels) {
    return detail::checkPowerLevelsChange(ctx);
  }
  return AuthResult::allow("sender is joined and has the required power level");
}

std::optional<AuthResult> checkOneAuthEvent(const Event& e, const std::string& id, const Event* ae,
                                            const std::vector<StateKey>& expected,
                                            std::set<StateKey>& seen) {
  if (ae == nullptr) {
    return AuthResult::deny("auth event " + id + " is not available");
  }
  const StateKey key{ae->type, ae->state_key.value_or("")};
  if (!ae->state_key || std::find(expected.begin(), expected.end(), key) == expected.end()) {
    return AuthResult::deny("auth event " + id + " (" + key.first + ", " + key.second +
                            ") is not one this event may cite");
  }
  if (!seen.insert(key).second) {
    return AuthResult::deny("auth_events cite (" + key.first + ", " + key.second + ") twice");
  }
  if (ae->rejected) {
    return AuthResult::deny("auth event " + id + " was rejected");
  }
  if (ae->room_id != e.room_id) {
    return AuthResult::deny("auth event " + id + " belongs to another room");
  }
  return std::nullopt;
}

}  // namespace

AuthResult authCheck(const Event& e, const StateLookup& auth_state, std::string_view room_version,
                     const AuthHooks& hooks) {
  const RoomVersionRules* rules = findRoomVersion(room_version);
  if (rules == nullptr) {
    return AuthResult::deny("unsupported room version '" + std::string(room_version) + "'");
  }
  if (e.type == kCreate) {
    return checkCreate(e, *rules);
  }
  const Event* create = auth_state(std::string(kCreate), "");
  if (create == nullptr) {
    return AuthResult::deny("no m.room.create event in the auth state");
  }
  const Event* power_levels = auth_state(std::string(kPowerLevels), "");
  const AuthContext ctx{e,     auth_state, *rules,
                        hooks, create,     PowerLevels::fromState(power_levels, create, *rules)};
  if (auto denied = checkFederate(ctx)) {
    return *denied;
  }
  if (e.type == kMember) {
    return detail::checkMember(ctx);
  }
  return checkOther(ctx);
}

AuthResult checkAuthEvents(const Event& e, const std::vector<const Event*>& auth_events,
                           std::string_view room_version) {
  if (findRoomVersion(room_version) == nullptr) {
    return AuthResult::deny("unsupported room version '" + std::string(room_version) + "'");
  }
  if (e.type == kCreate) {
    return AuthResult::allow("m.room.create is decided by rule 1 alone");
  }
  if (auth_events.size() != e.auth_events.size()) {
    return AuthResult::deny("auth events were not all supplied");
  }
  const auto expected = authKeysFor(e.type, e.state_key, e.sender, e.content());
  std::set<StateKey> seen;
  for (size_t i = 0; i < auth_events.size(); ++i) {
    if (auto denied = checkOneAuthEvent(e, e.auth_events[i], auth_events[i], expected, seen)) {
      return *denied;
    }
  }
  if (seen.count({std::string(kCreate), ""}) == 0) {
    return AuthResult::deny("auth_events do not include the m.room.create event");
  }
  return AuthResult::allow("auth_events are well formed");
}

AuthResult authCheckAgainstAuthEvents(const Event& e, const std::vector<const Event*>& auth_events,
                                      std::string_view room_version, const AuthHooks& hooks) {
  EventStateMap state;
  if (e.type != kCreate) {
    AuthResult sane = checkAuthEvents(e, auth_events, room_version);
    if (!sane.allowed) {
      return sane;
    }
    for (const Event* ae : auth_events) {
      state[{ae->type, *ae->state_key}] = ae;
    }
  }
  return authCheck(e, lookupIn(state), room_version, hooks);
}

StateLookup lookupIn(const EventStateMap& state) {
  return [&state](const std::string& type, const std::string& state_key) -> const Event* {
    const auto it = state.find({type, state_key});
    return it == state.end() ? nullptr : it->second;
  };
}

}  // namespace hs::rooms
