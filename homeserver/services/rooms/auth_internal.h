#pragma once
// Shared by the auth_rules*.cpp files only: the state an auth check reads, resolved once.
#include <string>
#include <string_view>

#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/power_levels.h"

namespace hs::rooms::detail {

struct AuthContext {
  const Event& e;
  const StateLookup& state;
  const RoomVersionRules& rules;
  const AuthHooks& hooks;
  const Event* create;  // never null once the context is built
  PowerLevels levels;

  const Event* get(std::string_view type, std::string_view state_key) const {
    return state(std::string(type), std::string(state_key));
  }
  // A user's membership in the auth state; "leave" when there is no member event.
  std::string membershipOf(std::string_view user_id) const {
    const Event* m = get(kMember, user_id);
    const std::string_view ms = m == nullptr ? std::string_view{} : m->membership();
    return ms.empty() ? "leave" : std::string(ms);
  }
  int64_t levelOf(std::string_view user_id) const { return levels.userLevel(user_id); }
};

// Rule 4, for m.room.member events.
AuthResult checkMember(const AuthContext& ctx);
// Rule 9.1-9.10, for m.room.power_levels events.
AuthResult checkPowerLevelsChange(const AuthContext& ctx);

}  // namespace hs::rooms::detail
