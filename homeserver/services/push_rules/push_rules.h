#pragma once
// The push rule model: the spec's server-default rules, a user's stored changes, and the
// effective ruleset built from both. Pure functions, so the rules are testable without a
// database; PushRuleService adds storage and the stream.
#include <array>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "homeserver/core/json.h"

namespace hs::push_rules {

// In evaluation order: override, content, room, sender, underride.
enum class Kind { Override, Content, Room, Sender, Underride };
inline constexpr std::array<Kind, 5> kKinds = {Kind::Override, Kind::Content, Kind::Room,
                                               Kind::Sender, Kind::Underride};
const char* kindName(Kind kind);
// Throws M_INVALID_PARAM for anything but the five kinds.
Kind parseKind(std::string_view name);

struct PushRule {
  std::string rule_id;
  bool is_default = false;
  bool enabled = true;
  std::optional<std::string> conditions;  // JSON array text; override and underride
  std::optional<std::string> pattern;     // content rules
  std::string actions = "[]";             // JSON array text
};

// A rule the user defined, as stored. Within a kind, the vector order is the priority order.
struct UserRule {
  Kind kind = Kind::Override;
  PushRule rule;
};
// A user's change to a server-default rule; nullopt keeps the default.
struct DefaultChange {
  std::string rule_id;
  std::optional<bool> enabled;
  std::optional<std::string> actions;
};
struct UserChanges {
  std::vector<UserRule> rules;
  std::vector<DefaultChange> defaults;
};

// The effective rules of one user, by kind, each list in priority order.
struct Ruleset {
  std::array<std::vector<PushRule>, 5> by_kind;
  std::vector<PushRule>& of(Kind k) { return by_kind[static_cast<size_t>(k)]; }
  const std::vector<PushRule>& of(Kind k) const { return by_kind[static_cast<size_t>(k)]; }
  const PushRule* find(Kind k, std::string_view rule_id) const;
};

// The spec's server-default rules (v1.17 and later) for this user.
Ruleset defaultRules(const std::string& user_id);
// Defaults with the user's changes applied: .m.rule.master first, then the user's rules of
// each kind, then the other server-default rules (the spec's priority order).
Ruleset effectiveRules(const std::string& user_id, const UserChanges& changes);

// {"override":[...],"content":[...],"room":[...],"sender":[...],"underride":[...]}
std::string renderRuleset(const Ruleset& rules);
// One kind's rules as a JSON array (GET /pushrules/global/{kind}/).
std::string renderKind(const Ruleset& rules, Kind kind);
// {"global":{...}}: the GET /pushrules/ body and the m.push_rules account data content.
std::string renderGlobal(const Ruleset& rules);
std::string renderRule(Kind kind, const PushRule& rule);

// The body of PUT /pushrules/global/{kind}/{ruleId}, checked for shape (M_BAD_JSON,
// M_MISSING_PARAM): actions always, pattern for content rules, conditions for override and
// underride rules.
struct RuleBody {
  std::optional<std::string> conditions;
  std::optional<std::string> pattern;
  std::string actions;
};
RuleBody parseRuleBody(Kind kind, const json::Value& body);
// Checks an actions array (strings or objects) and returns its JSON text.
std::string parseActions(const json::Value* actions);

// Edits of a user's changes; each throws MatrixError when the spec says to refuse.
// Adds or replaces a user rule. New rules go first among the user's rules of that kind unless
// before/after (user rule ids of the same kind) say otherwise; `before` wins when both are set.
void putUserRule(UserChanges& changes, Kind kind, const std::string& rule_id, RuleBody body,
                 const std::optional<std::string>& before, const std::optional<std::string>& after);
void deleteUserRule(UserChanges& changes, Kind kind, const std::string& rule_id);
// These work on user rules and server-default rules alike (M_NOT_FOUND for neither).
void setEnabled(UserChanges& changes, Kind kind, const std::string& rule_id, bool enabled);
void setActions(UserChanges& changes, Kind kind, const std::string& rule_id, std::string actions);

}  // namespace hs::push_rules
