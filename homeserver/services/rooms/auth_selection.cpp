// Auth-event selection (ALGORITHMS §11): which current state a new event must cite. Auth rule
// 2.2 and the iterative auth checks of state resolution use the same list.
#include <algorithm>

#include "homeserver/services/rooms/auth_rules.h"

namespace hs::rooms {

namespace {

void addUnique(std::vector<StateKey>& keys, StateKey key) {
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) {
    keys.push_back(std::move(key));
  }
}

// The m.room.third_party_invite an invite redeems, named by
// content.third_party_invite.signed.token.
std::optional<std::string_view> thirdPartyToken(const json::Value& content) {
  const json::Value* tpi = json::member(content, "third_party_invite");
  const json::Value* signed_block = tpi == nullptr ? nullptr : json::member(*tpi, "signed");
  if (signed_block == nullptr) {
    return std::nullopt;
  }
  return stringMember(*signed_block, "token");
}

void addMemberKeys(std::vector<StateKey>& keys, const std::string& target,
                   const json::Value& content, const RoomVersionRules& rules) {
  addUnique(keys, {std::string(kMember), target});
  const std::string_view membership = stringMember(content, "membership").value_or("");
  if (membership == "join" || membership == "invite" || membership == "knock") {
    addUnique(keys, {std::string(kJoinRules), ""});
  }
  if (membership == "invite") {
    if (auto token = thirdPartyToken(content)) {
      addUnique(keys, {std::string(kThirdPartyInvite), std::string(*token)});
    }
  }
  if (membership == "join" && rules.restricted_join_rule) {
    if (auto via = stringMember(content, "join_authorised_via_users_server")) {
      addUnique(keys, {std::string(kMember), std::string(*via)});
    }
  }
}

}  // namespace

std::vector<StateKey> authKeysFor(std::string_view type,
                                  const std::optional<std::string>& state_key,
                                  std::string_view sender, const json::Value& content,
                                  const RoomVersionRules& rules) {
  if (type == kCreate) {
    return {};
  }
  std::vector<StateKey> keys;
  if (!rules.room_id_is_create_hash) {  // v12: the room ID names the create event
    keys.emplace_back(std::string(kCreate), "");
  }
  keys.emplace_back(std::string(kPowerLevels), "");
  keys.emplace_back(std::string(kMember), std::string(sender));
  if (type == kMember && state_key) {
    addMemberKeys(keys, *state_key, content, rules);
  }
  return keys;
}

std::vector<StateKey> authKeysFor(std::string_view type,
                                  const std::optional<std::string>& state_key,
                                  std::string_view sender, const json::Value& content) {
  return authKeysFor(type, state_key, sender, content, *findRoomVersion("11"));
}

std::vector<std::string> authEventsFor(std::string_view type,
                                       const std::optional<std::string>& state_key,
                                       std::string_view sender, const json::Value& content,
                                       const StateMap& current_state, const RoomVersionRules& rules) {
  std::vector<std::string> ids;
  for (const StateKey& key : authKeysFor(type, state_key, sender, content, rules)) {
    const auto it = current_state.find(key);
    if (it != current_state.end()) {
      ids.push_back(it->second);
    }
  }
  return ids;
}

}  // namespace hs::rooms

namespace hs::rooms {

std::vector<std::string> authEventsFor(std::string_view type,
                                       const std::optional<std::string>& state_key,
                                       std::string_view sender, const json::Value& content,
                                       const StateMap& current_state) {
  return authEventsFor(type, state_key, sender, content, current_state, *findRoomVersion("11"));
}

StateLookup lookupInList(const std::vector<Event>& events) {
  return [&events](const std::string& type, const std::string& key) -> const Event* {
    for (const auto& e : events) {
      if (e.type == type && e.state_key == key) {
        return &e;
      }
    }
    return nullptr;
  };
}

}  // namespace hs::rooms
