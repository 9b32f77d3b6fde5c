// Auth rule 9: m.room.power_levels changes (ALGORITHMS §14). Every comparison is against the
// sender's level in the current power levels, so nobody can grant or take away more power
// than they hold.
#include <optional>
#include <set>
#include <string>

#include "homeserver/services/rooms/auth_internal.h"

namespace hs::rooms::detail {

namespace {

std::optional<int64_t> find(const LevelMap& map, std::string_view key) {
  const auto it = map.find(key);
  return it == map.end() ? std::nullopt : std::optional(it->second);
}

std::set<std::string> keysOf(const LevelMap& a, const LevelMap& b) {
  std::set<std::string> keys;
  for (const auto& [k, v] : a) {
    keys.insert(k);
  }
  for (const auto& [k, v] : b) {
    keys.insert(k);
  }
  return keys;
}

bool above(std::optional<int64_t> level, int64_t sender_level) {
  return level && *level > sender_level;
}

// Rule 9.5: the top-level levels; any alteration needs both values within the sender's reach.
std::optional<AuthResult> checkTopLevel(const PowerLevels& old_pl, const PowerLevels& new_pl,
                                        int64_t sender_level) {
  for (std::string_view key : kPowerLevelKeys) {
    const auto before = old_pl.explicitValue(key);
    const auto after = new_pl.explicitValue(key);
    if (before != after && (above(before, sender_level) || above(after, sender_level))) {
      return AuthResult::deny("cannot change '" + std::string(key) + "' beyond your own level");
    }
  }
  return std::nullopt;
}

// Rules 9.6 and 9.7: `events` and `notifications` entries.
std::optional<AuthResult> checkLevelMap(std::string_view name, const LevelMap& before_map,
                                        const LevelMap& after_map, int64_t sender_level) {
  for (const std::string& key : keysOf(before_map, after_map)) {
    const auto before = find(before_map, key);
    const auto after = find(after_map, key);
    if (before == after) {
      continue;
    }
    if (above(before, sender_level) || above(after, sender_level)) {
      return AuthResult::deny("cannot change " + std::string(name) + "['" + key +
                              "'] beyond your own level");
    }
  }
  return std::nullopt;
}

// Rules 9.8 and 9.9: `users` entries. Peers cannot demote each other: changing or removing
// another user's entry needs strictly more power than that entry held.
std::optional<AuthResult> checkUsers(const LevelMap& before_map, const LevelMap& after_map,
                                     const std::string& sender, int64_t sender_level) {
  for (const std::string& user : keysOf(before_map, after_map)) {
    const auto before = find(before_map, user);
    const auto after = find(after_map, user);
    if (before == after) {
      continue;
    }
    if (user != sender && before && *before >= sender_level) {
      return AuthResult::deny("cannot change the level of " + user +
                              ", who has at least your level");
    }
    if (above(after, sender_level)) {
      return AuthResult::deny("cannot raise " + user + " above your own level");
    }
  }
  return std::nullopt;
}

}  // namespace

AuthResult checkPowerLevelsChange(const AuthContext& ctx) {
  const Event& e = ctx.e;
  if (auto malformed = validatePowerLevelsContent(e.content(), ctx.rules)) {
    return AuthResult::deny(*malformed);
  }
  if (ctx.rules.creators_infinitely_powerful) {  // v12 rule 10.4
    const json::Value* users = json::member(e.content(), "users");
    for (const auto& creator : roomCreators(*ctx.create, ctx.rules)) {
      if (users != nullptr && users->IsObject() && json::member(*users, creator) != nullptr) {
        return AuthResult::deny("power_levels 'users' must not list the room creator " + creator);
      }
    }
  }
  if (ctx.get(kPowerLevels, "") == nullptr) {
    return AuthResult::allow("the room's first power levels");
  }
  const PowerLevels& old_pl = ctx.levels;
  const PowerLevels new_pl = PowerLevels::fromContent(e.content(), ctx.rules.id);
  const int64_t sender_level = old_pl.userLevel(e.sender);
  if (auto denied = checkTopLevel(old_pl, new_pl, sender_level)) {
    return *denied;
  }
  if (auto denied = checkLevelMap("events", old_pl.events(), new_pl.events(), sender_level)) {
    return *denied;
  }
  if (ctx.rules.limit_notifications_power_levels) {
    if (auto denied = checkLevelMap("notifications", old_pl.notifications(),
                                    new_pl.notifications(), sender_level)) {
      return *denied;
    }
  }
  if (auto denied = checkUsers(old_pl.users(), new_pl.users(), e.sender, sender_level)) {
    return *denied;
  }
  return AuthResult::allow("power levels change within the sender's reach");
}

}  // namespace hs::rooms::detail
