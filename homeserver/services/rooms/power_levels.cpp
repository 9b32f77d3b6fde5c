#include "homeserver/services/rooms/power_levels.h"

#include <cctype>
#include <charconv>

namespace hs::rooms {

namespace {

constexpr int64_t kRoomNotificationDefault = 50;

// Room versions 1-9 accepted "stringy" levels; v10 made them integers only.
bool acceptsStringLevels(std::string_view room_version) {
  return room_version.size() == 1 && room_version[0] >= '1' && room_version[0] <= '9';
}

// Parses a stringy level the way older servers did: surrounding whitespace, an optional sign,
// then decimal digits only.
std::optional<int64_t> parseStringLevel(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) {
    s.remove_prefix(1);
  }
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) {
    s.remove_suffix(1);
  }
  if (!s.empty() && s.front() == '+') {
    s.remove_prefix(1);
  }
  int64_t out = 0;
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  if (s.empty() || ec != std::errc{} || end != s.data() + s.size()) {
    return std::nullopt;
  }
  return out;
}

std::optional<int64_t> readLevel(const json::Value& v, bool allow_strings) {
  if (v.IsInt64()) {
    return v.GetInt64();
  }
  if (allow_strings && v.IsString()) {
    return parseStringLevel({v.GetString(), v.GetStringLength()});
  }
  return std::nullopt;
}

LevelMap readLevelMap(const json::Value& content, std::string_view key, bool allow_strings) {
  LevelMap out;
  const json::Value* obj = json::member(content, key);
  if (obj == nullptr || !obj->IsObject()) {
    return out;
  }
  for (const auto& m : obj->GetObject()) {
    if (auto level = readLevel(m.value, allow_strings)) {
      out.emplace(std::string(m.name.GetString(), m.name.GetStringLength()), *level);
    }
  }
  return out;
}

std::optional<std::string> usersAreUserIds(const json::Value& content) {
  const json::Value* users = json::member(content, "users");
  if (users == nullptr || !users->IsObject()) {
    return std::nullopt;
  }
  for (const auto& m : users->GetObject()) {
    const std::string_view user(m.name.GetString(), m.name.GetStringLength());
    if (!isValidUserId(user)) {
      return "power_levels 'users' has an invalid user ID '" + std::string(user) + "'";
    }
  }
  return std::nullopt;
}

bool isIntegerMap(const json::Value& v) {
  if (!v.IsObject()) {
    return false;
  }
  for (const auto& m : v.GetObject()) {
    if (!m.value.IsInt64()) {
      return false;
    }
  }
  return true;
}

}  // namespace

PowerLevels PowerLevels::fromContent(const json::Value& content, std::string_view room_version) {
  const bool allow_strings = acceptsStringLevels(room_version);
  PowerLevels pl;
  for (std::string_view key : kPowerLevelKeys) {
    const json::Value* v = json::member(content, key);
    if (v == nullptr) {
      continue;
    }
    if (auto level = readLevel(*v, allow_strings)) {
      pl.top_.emplace(std::string(key), *level);
    }
  }
  pl.users_ = readLevelMap(content, "users", allow_strings);
  pl.events_ = readLevelMap(content, "events", allow_strings);
  pl.notifications_ = readLevelMap(content, "notifications", allow_strings);
  return pl;
}

PowerLevels PowerLevels::fromState(const Event* power_levels, const Event* create,
                                   const RoomVersionRules& rules) {
  PowerLevels pl;
  if (power_levels != nullptr) {
    pl = fromContent(power_levels->content(), rules.id);
  }
  if (rules.creators_infinitely_powerful) {
    if (create != nullptr) {
      for (auto& c : roomCreators(*create, rules)) {
        pl.creators_.insert(std::move(c));
      }
    }
    return pl;
  }
  if (power_levels == nullptr && create != nullptr) {
    const std::string_view creator = roomCreator(*create, rules);
    if (!creator.empty()) {
      pl.users_.emplace(std::string(creator), kCreatorLevelWithoutPowerLevels);
    }
  }
  return pl;
}

int64_t PowerLevels::userLevel(std::string_view user_id) const {
  if (creators_.find(user_id) != creators_.end()) {
    return kInfinitePower;
  }
  const auto it = users_.find(user_id);
  return it != users_.end() ? it->second : usersDefault();
}

int64_t PowerLevels::requiredLevel(std::string_view event_type, bool is_state) const {
  const auto it = events_.find(event_type);
  if (it != events_.end()) {
    return it->second;
  }
  return is_state ? stateDefault() : eventsDefault();
}

int64_t PowerLevels::notificationLevel(std::string_view key) const {
  const auto it = notifications_.find(key);
  if (it != notifications_.end()) {
    return it->second;
  }
  // Only "room" is defined by the spec; an unknown key is as strict as the room mention.
  return kRoomNotificationDefault;
}

std::optional<int64_t> PowerLevels::explicitValue(std::string_view key) const {
  const auto it = top_.find(key);
  return it != top_.end() ? std::optional(it->second) : std::nullopt;
}

int64_t PowerLevels::topOr(std::string_view key, int64_t fallback) const {
  return explicitValue(key).value_or(fallback);
}

// Before v10 a level may also be a string holding an integer.
bool isLevelMap(const json::Value& v, bool allow_strings) {
  if (!v.IsObject()) {
    return false;
  }
  for (const auto& m : v.GetObject()) {
    if (!readLevel(m.value, allow_strings)) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> validatePowerLevelsContent(const json::Value& content) {
  return validatePowerLevelsContent(content, *findRoomVersion("11"));
}

std::optional<std::string> validatePowerLevelsContent(const json::Value& content,
                                                      const RoomVersionRules& rules) {
  if (!rules.integer_power_levels) {
    const json::Value* users = json::member(content, "users");
    if (users != nullptr && !isLevelMap(*users, true)) {
      return "power_levels 'users' must be an object of integers";
    }
    return usersAreUserIds(content);
  }
  for (std::string_view key : kPowerLevelKeys) {
    const json::Value* v = json::member(content, key);
    if (v != nullptr && !v->IsInt64()) {
      return "power_levels '" + std::string(key) + "' must be an integer";
    }
  }
  for (std::string_view key : {"events", "notifications"}) {
    const json::Value* v = json::member(content, key);
    if (v != nullptr && !isIntegerMap(*v)) {
      return "power_levels '" + std::string(key) + "' must be an object of integers";
    }
  }
  const json::Value* users = json::member(content, "users");
  if (users == nullptr) {
    return std::nullopt;
  }
  if (!isIntegerMap(*users)) {
    return "power_levels 'users' must be an object of integers";
  }
  return usersAreUserIds(content);
}

std::vector<std::string> roomCreators(const Event& create, const RoomVersionRules& rules) {
  std::vector<std::string> out{std::string(roomCreator(create, rules))};
  if (!rules.creators_infinitely_powerful) {
    return out;
  }
  const json::Value* extra = json::member(create.content(), "additional_creators");
  if (extra != nullptr && extra->IsArray()) {
    for (const auto& u : extra->GetArray()) {
      if (u.IsString()) {
        out.emplace_back(u.GetString(), u.GetStringLength());
      }
    }
  }
  return out;
}

}  // namespace hs::rooms
