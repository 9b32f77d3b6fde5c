// Auth rules 1, 2, 3 and 5-10 (ALGORITHMS §14), with what rooms v1-v9 and v12 do differently
// (m.room.aliases and m.room.redaction rules before v6 and v3, the v12 create event). Rule 4
// (membership) is in auth_rules_member.cpp and rule 9 (power levels) in auth_rules_power.cpp.
#include "homeserver/services/rooms/auth_rules.h"

#include <algorithm>
#include <set>

#include "homeserver/services/rooms/auth_internal.h"

namespace hs::rooms {

using detail::AuthContext;

namespace {

// v12 rule 1.4: additional_creators, when present, is an array of user IDs.
bool validAdditionalCreators(const Event& create) {
  const json::Value* extra = json::member(create.content(), "additional_creators");
  if (extra == nullptr) {
    return true;
  }
  if (!extra->IsArray()) {
    return false;
  }
  for (const auto& u : extra->GetArray()) {
    if (!u.IsString() || !isValidUserId({u.GetString(), u.GetStringLength()})) {
      return false;
    }
  }
  return true;
}

// Rule 1.
AuthResult checkCreate(const Event& e, const RoomVersionRules& rules) {
  if (!e.prev_events.empty()) {
    return AuthResult::deny("m.room.create must not have prev_events");
  }
  if (rules.room_id_is_create_hash) {
    if (json::member(*e.json, "room_id") != nullptr) {
      return AuthResult::deny("m.room.create must not have a room_id in room version 12");
    }
    if (!validAdditionalCreators(e)) {
      return AuthResult::deny("m.room.create: additional_creators must be an array of user IDs");
    }
  } else if (domainOf(e.room_id) != domainOf(e.sender)) {
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
    return AuthResult::deny("m.room.create: content.creator is required before room version 11");
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

// Rooms v1-v5, rule 4: m.room.aliases names its sender's server.
AuthResult checkAliases(const Event& e) {
  if (!e.state_key) {
    return AuthResult::deny("m.room.aliases needs a state_key");
  }
  if (*e.state_key != domainOf(e.sender)) {
    return AuthResult::deny("m.room.aliases: the state_key must be the sender's server");
  }
  return AuthResult::allow("m.room.aliases of the sender's server");
}

// Rooms v1-v2, rule 11: a redaction needs the redact level or the same server as its target.
AuthResult checkRedactionV1(const AuthContext& ctx) {
  const Event& e = ctx.e;
  if (ctx.levelOf(e.sender) >= ctx.levels.redact()) {
    return AuthResult::allow("sender has the redact level");
  }
  if (e.redacts && domainOf(*e.redacts) == domainOf(e.event_id)) {
    return AuthResult::allow("the redaction and its target come from the same server");
  }
  return AuthResult::deny("sender lacks the redact level to redact another server's event");
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
  if (e.type == kRedaction && ctx.rules.redaction_auth_rule) {
    return checkRedactionV1(ctx);
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
  // v12 rule 2: the room ID is the create event's ID, and that event was accepted.
  if (rules->room_id_is_create_hash &&
      (create->rejected || e.room_id != "!" + create->event_id.substr(1))) {
    return AuthResult::deny("the room ID does not name an accepted m.room.create event");
  }
  const Event* power_levels = auth_state(std::string(kPowerLevels), "");
  const AuthContext ctx{e,     auth_state, *rules,
                        hooks, create,     PowerLevels::fromState(power_levels, create, *rules)};
  if (auto denied = checkFederate(ctx)) {
    return *denied;
  }
  if (e.type == "m.room.aliases" && rules->special_case_aliases_auth) {
    return checkAliases(e);
  }
  if (e.type == kMember) {
    return detail::checkMember(ctx);
  }
  return checkOther(ctx);
}

AuthResult checkAuthEvents(const Event& e, const std::vector<const Event*>& auth_events,
                           std::string_view room_version) {
  const RoomVersionRules* rules = findRoomVersion(room_version);
  if (rules == nullptr) {
    return AuthResult::deny("unsupported room version '" + std::string(room_version) + "'");
  }
  if (e.type == kCreate) {
    return AuthResult::allow("m.room.create is decided by rule 1 alone");
  }
  if (auth_events.size() != e.auth_events.size()) {
    return AuthResult::deny("auth events were not all supplied");
  }
  const auto expected = authKeysFor(e.type, e.state_key, e.sender, e.content(), *rules);
  std::set<StateKey> seen;
  for (size_t i = 0; i < auth_events.size(); ++i) {
    if (auto denied = checkOneAuthEvent(e, e.auth_events[i], auth_events[i], expected, seen)) {
      return *denied;
    }
  }
  if (!rules->room_id_is_create_hash && seen.count({std::string(kCreate), ""}) == 0) {
    return AuthResult::deny("auth_events do not include the m.room.create event");
  }
  return AuthResult::allow("auth_events are well formed");
}

AuthResult authCheckAgainstAuthEvents(const Event& e, const std::vector<const Event*>& auth_events,
                                      std::string_view room_version, const AuthHooks& hooks,
                                      const Event* room_create) {
  EventStateMap state;
  if (e.type != kCreate) {
    AuthResult sane = checkAuthEvents(e, auth_events, room_version);
    if (!sane.allowed) {
      return sane;
    }
    for (const Event* ae : auth_events) {
      state[{ae->type, *ae->state_key}] = ae;
    }
    if (room_create != nullptr) {
      state[{std::string(kCreate), ""}] = room_create;
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
