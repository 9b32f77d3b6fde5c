#pragma once
// Evaluates a user's push rules against an event (client-server API, "Push Rules"): the first
// enabled rule whose conditions hold, in kind order, decides the actions. Pure functions over
// the event's client JSON, so the spec's matching rules are testable without a server.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "homeserver/core/json.h"
#include "homeserver/services/push_rules/push_rules.h"

namespace hs::push_rules {

// What the conditions need besides the event.
struct EvalContext {
  std::string user_id;
  std::string room_id;
  std::optional<std::string> display_name;  // contains_display_name (deprecated but defined)
  int64_t member_count = 0;                 // joined members (room_member_count)
  int64_t sender_power = 0;                 // sender_notification_permission
  std::map<std::string, int64_t> notification_levels;  // power_levels.notifications; room: 50
};

struct EvalResult {
  bool matched = false;
  std::string rule_id;
  std::string actions = "[]";  // the matching rule's actions, as stored
  bool notify = false;
  bool highlight = false;
};

EvalResult evaluate(const Ruleset& rules, const json::Value& event, const EvalContext& ctx);

// Glob matching (`*`, `?`), case-insensitive for ASCII. With `word_boundary` the pattern may
// match any substring that starts and ends at a word boundary (content.body), otherwise the
// whole value.
bool pushGlobMatches(std::string_view pattern, std::string_view value, bool word_boundary);
// The value at a dot-separated property path (`content.m\.mentions.user_ids`), or null.
const json::Value* propertyAt(const json::Value& event, std::string_view dotted_path);
// notify / highlight from an actions array text; dont_notify and coalesce mean nothing.
void readActions(const std::string& actions_json, bool& notify, bool& highlight);

}  // namespace hs::push_rules
