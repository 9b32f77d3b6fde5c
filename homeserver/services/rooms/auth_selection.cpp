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
                   const json::Value& content) {
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
  if (membership == "join") {
    if (auto via = stringMember(content, "join_authorised_via_users_server")) {
      addUnique(keys, {std::string(kMember), std::string(*via)});
    }
  }
}

}  // namespace

std::vector<StateKey> authKeysFor(std::string_view type,
                                  const std::optional<std::string>& state_key,
                                  std::string_view sender, const json::Value& content) {
  if (type == kCreate) {
    return {};
  }
  std::vector<StateKey> keys{{std::string(kCreate), ""},
                             {std::string(kPowerLevels), ""},
                             {std::string(kMember), std::string(sender)}};
  if (type == kMember && state_key) {
    addMemberKeys(keys, *state_key, content);
  }
  return keys;
}

std::vector<std::string> authEventsFor(std::string_view type,
                                       const std::optional<std::string>& state_key,
                                       std::string_view sender, const json::Value& content,
                                       const StateMap& current_state) {
  std::vector<std::string> ids;
  for (const StateKey& key : authKeysFor(type, state_key, sender, content)) {
    const auto it = current_state.find(key);
    if (it != current_state.end()) {
      ids.push_back(it->second);
    }
  }
  return ids;
}

}  // namespace hs::rooms
