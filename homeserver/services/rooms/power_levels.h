#pragma once
// m.room.power_levels read with the defaults of ALGORITHMS §17. The explicit values are kept
// apart from the defaults because auth rule 9 compares what was written, not what applies.
#include <array>
#include <cstdint>
#include <functional>
#include <limits>
#include <set>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "homeserver/core/json.h"
#include "homeserver/services/rooms/event.h"

namespace hs::rooms {

using LevelMap = std::map<std::string, int64_t, std::less<>>;

// The top-level integer keys of a power_levels content, in the order rule 9.5 lists them.
inline constexpr std::array<std::string_view, 7> kPowerLevelKeys = {
    "users_default", "events_default", "state_default", "ban", "redact", "kick", "invite"};

inline constexpr int64_t kCreatorLevelWithoutPowerLevels = 100;
// The level of a room v12 creator: above any level an event can set (at most 2^53 - 1).
inline constexpr int64_t kInfinitePower = std::numeric_limits<int64_t>::max();

class PowerLevels {
 public:
  // From a power_levels content. Before v10 a level may be a string ("50"); from v10 on only
  // integers count, and a value of any other type is ignored as if absent.
  static PowerLevels fromContent(const json::Value& content, std::string_view room_version);
  // The levels in force in some auth state: its power_levels event, or when there is none the
  // defaults with the creator (taken from `create`, which may be null) at 100. In room v12 the
  // creators are infinitely powerful either way.
  static PowerLevels fromState(const Event* power_levels, const Event* create,
                               const RoomVersionRules& rules);

  int64_t userLevel(std::string_view user_id) const;
  // The "required power level" to send an event: events[type], else state_default for a state
  // event or events_default for any other.
  int64_t requiredLevel(std::string_view event_type, bool is_state) const;
  int64_t usersDefault() const { return topOr("users_default", 0); }
  int64_t eventsDefault() const { return topOr("events_default", 0); }
  int64_t stateDefault() const { return topOr("state_default", 50); }
  int64_t invite() const { return topOr("invite", 0); }
  int64_t kick() const { return topOr("kick", 50); }
  int64_t ban() const { return topOr("ban", 50); }
  int64_t redact() const { return topOr("redact", 50); }
  // notifications[key]; "room" (the @room mention) defaults to 50.
  int64_t notificationLevel(std::string_view key) const;

  // A top-level key as written (one of kPowerLevelKeys); nullopt when absent.
  std::optional<int64_t> explicitValue(std::string_view key) const;
  const LevelMap& users() const { return users_; }
  const LevelMap& events() const { return events_; }
  const LevelMap& notifications() const { return notifications_; }

 private:
  int64_t topOr(std::string_view key, int64_t fallback) const;

  LevelMap top_;  // the kPowerLevelKeys that were written
  std::set<std::string, std::less<>> creators_;  // room v12: at kInfinitePower
  LevelMap users_;
  LevelMap events_;
  LevelMap notifications_;
};

// Auth rules 9.1-9.3 (v10+; before, only `users` is checked, and string levels pass): nullopt
// when the content is well formed, otherwise why it is not. Without `rules`: rooms v10/v11.
std::optional<std::string> validatePowerLevelsContent(const json::Value& content,
                                                      const RoomVersionRules& rules);
std::optional<std::string> validatePowerLevelsContent(const json::Value& content);

// The room's creators: the create event's creator (content.creator before v11, its sender
// from v11), and in v12 also content.additional_creators.
std::vector<std::string> roomCreators(const Event& create, const RoomVersionRules& rules);

}  // namespace hs::rooms
