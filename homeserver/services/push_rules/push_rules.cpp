#include "homeserver/services/push_rules/push_rules.h"

#include <algorithm>

#include "homeserver/core/matrix_error.h"

namespace hs::push_rules {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr std::string_view kMasterRule = ".m.rule.master";

bool hasConditions(Kind k) { return k == Kind::Override || k == Kind::Underride; }

[[noreturn]] void notFound() { throw MatrixError(ErrCode::NotFound, "The push rule was not found."); }

void writeRule(json::Writer& w, Kind kind, const PushRule& r) {
  w.startObject().key("rule_id").string(r.rule_id).key("default").boolean(r.is_default);
  w.key("enabled").boolean(r.enabled);
  if (hasConditions(kind)) {
    w.key("conditions").raw(r.conditions.value_or("[]"));
  }
  if (kind == Kind::Content && r.pattern) {
    w.key("pattern").string(*r.pattern);
  }
  w.key("actions").raw(r.actions).endObject();
}

void writeKind(json::Writer& w, const Ruleset& rules, Kind k) {
  w.startArray();
  for (const PushRule& r : rules.of(k)) {
    writeRule(w, k, r);
  }
  w.endArray();
}

void writeRuleset(json::Writer& w, const Ruleset& rules) {
  w.startObject();
  for (Kind k : kKinds) {
    w.key(kindName(k));
    writeKind(w, rules, k);
  }
  w.endObject();
}

void applyDefaultChanges(Ruleset& defaults, const std::vector<DefaultChange>& changes) {
  for (const DefaultChange& c : changes) {
    for (Kind k : kKinds) {
      for (PushRule& r : defaults.of(k)) {
        if (r.rule_id == c.rule_id) {
          r.enabled = c.enabled.value_or(r.enabled);
          r.actions = c.actions.value_or(r.actions);
        }
      }
    }
  }
}

std::string parseConditions(const json::Value* conditions) {
  if (conditions == nullptr || conditions->IsNull()) {
    return "[]";  // a rule with no conditions always matches
  }
  if (!conditions->IsArray()) {
    throw MatrixError(ErrCode::BadJson, "'conditions' must be an array");
  }
  for (const auto& c : conditions->GetArray()) {
    const json::Value* kind = json::member(c, "kind");
    if (!c.IsObject() || kind == nullptr || !kind->IsString()) {
      throw MatrixError(ErrCode::BadJson, "Each condition must be an object with a string 'kind'");
    }
  }
  return json::toString(*conditions);
}

void checkNewRuleId(const std::string& rule_id) {
  if (rule_id.empty() || rule_id.front() == '.') {
    throw MatrixError(ErrCode::InvalidParam, "Rule IDs starting with '.' are reserved for the server");
  }
  if (rule_id.find_first_of("/\\") != std::string::npos) {
    throw MatrixError(ErrCode::InvalidParam, "Rule IDs may not contain '/' or '\\'");
  }
}

std::vector<UserRule>::iterator findUserRule(UserChanges& c, Kind kind, std::string_view id) {
  return std::find_if(c.rules.begin(), c.rules.end(),
                      [&](const UserRule& r) { return r.kind == kind && r.rule.rule_id == id; });
}

bool isDefaultRule(Kind kind, const std::string& rule_id) {
  return defaultRules("").find(kind, rule_id) != nullptr;
}

// The stored change of a server-default rule, created on first use; M_NOT_FOUND when the kind
// has no such default rule.
DefaultChange& defaultChange(UserChanges& c, Kind kind, const std::string& rule_id) {
  if (!isDefaultRule(kind, rule_id)) {
    notFound();
  }
  for (DefaultChange& d : c.defaults) {
    if (d.rule_id == rule_id) {
      return d;
    }
  }
  c.defaults.push_back(DefaultChange{rule_id, std::nullopt, std::nullopt});
  return c.defaults.back();
}
}  // namespace

const char* kindName(Kind kind) {
  switch (kind) {
    case Kind::Override: return "override";
    case Kind::Content: return "content";
    case Kind::Room: return "room";
    case Kind::Sender: return "sender";
    case Kind::Underride: return "underride";
  }
  return "override";
}

Kind parseKind(std::string_view name) {
  for (Kind k : kKinds) {
    if (name == kindName(k)) {
      return k;
    }
  }
  throw MatrixError(ErrCode::InvalidParam, "Unknown push rule kind");
}

const PushRule* Ruleset::find(Kind k, std::string_view rule_id) const {
  for (const PushRule& r : of(k)) {
    if (r.rule_id == rule_id) {
      return &r;
    }
  }
  return nullptr;
}

Ruleset effectiveRules(const std::string& user_id, const UserChanges& changes) {
  Ruleset defaults = defaultRules(user_id);
  applyDefaultChanges(defaults, changes.defaults);
  Ruleset out;
  for (Kind k : kKinds) {
    std::vector<PushRule>& dst = out.of(k);
    auto next_default = defaults.of(k).begin();
    // .m.rule.master outranks even the user's rules; other defaults come after them.
    if (next_default != defaults.of(k).end() && next_default->rule_id == kMasterRule) {
      dst.push_back(*next_default++);
    }
    for (const UserRule& r : changes.rules) {
      if (r.kind == k) {
        dst.push_back(r.rule);
      }
    }
    dst.insert(dst.end(), next_default, defaults.of(k).end());
  }
  return out;
}

std::string renderRuleset(const Ruleset& rules) {
  json::Writer w;
  writeRuleset(w, rules);
  return w.take();
}

std::string renderKind(const Ruleset& rules, Kind kind) {
  json::Writer w;
  writeKind(w, rules, kind);
  return w.take();
}

std::string renderGlobal(const Ruleset& rules) {
  json::Writer w;
  w.startObject().key("global");
  writeRuleset(w, rules);
  w.endObject();
  return w.take();
}

std::string renderRule(Kind kind, const PushRule& rule) {
  json::Writer w;
  writeRule(w, kind, rule);
  return w.take();
}

std::string parseActions(const json::Value* actions) {
  if (actions == nullptr || actions->IsNull()) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'actions'");
  }
  if (!actions->IsArray()) {
    throw MatrixError(ErrCode::BadJson, "'actions' must be an array");
  }
  for (const auto& a : actions->GetArray()) {
    const json::Value* tweak = json::member(a, "set_tweak");
    // The spec's actions, with the deprecated dont_notify and coalesce that clients still
    // send (both mean nothing); anything else is refused, as Synapse does.
    const bool known = a.IsString() && (std::string_view(a.GetString()) == "notify" ||
                                        std::string_view(a.GetString()) == "dont_notify" ||
                                        std::string_view(a.GetString()) == "coalesce");
    if (!known && !(a.IsObject() && tweak != nullptr && tweak->IsString())) {
      throw MatrixError(ErrCode::BadJson,
                        "Each action must be notify, dont_notify, coalesce or a set_tweak object");
    }
  }
  return json::toString(*actions);
}

RuleBody parseRuleBody(Kind kind, const json::Value& body) {
  RuleBody out;
  out.actions = parseActions(json::member(body, "actions"));
  if (kind == Kind::Content) {
    out.pattern = json::requireString(body, "pattern");
  }
  if (hasConditions(kind)) {
    out.conditions = parseConditions(json::member(body, "conditions"));
  }
  return out;
}

void putUserRule(UserChanges& changes, Kind kind, const std::string& rule_id, RuleBody body,
                 const std::optional<std::string>& before, const std::optional<std::string>& after) {
  checkNewRuleId(rule_id);
  UserRule fresh{kind, PushRule{rule_id, false, true, std::move(body.conditions),
                                std::move(body.pattern), std::move(body.actions)}};
  auto existing = findUserRule(changes, kind, rule_id);
  const std::optional<std::string>& anchor = before ? before : after;
  if (existing != changes.rules.end()) {
    fresh.rule.enabled = existing->rule.enabled;  // an update keeps the rule's on/off state
    if (!anchor) {
      *existing = std::move(fresh);  // and its place
      return;
    }
    changes.rules.erase(existing);
  }
  if (!anchor) {
    // A new rule is the most important of the user's rules of its kind.
    auto first = std::find_if(changes.rules.begin(), changes.rules.end(),
                              [&](const UserRule& r) { return r.kind == kind; });
    changes.rules.insert(first, std::move(fresh));
    return;
  }
  auto at = findUserRule(changes, kind, *anchor);
  if (at == changes.rules.end()) {
    // The spec's own example: 400 with M_UNKNOWN.
    throw MatrixError(ErrCode::Unknown, "before/after rule not found: " + *anchor, 400);
  }
  changes.rules.insert(before ? at : at + 1, std::move(fresh));
}

void deleteUserRule(UserChanges& changes, Kind kind, const std::string& rule_id) {
  auto existing = findUserRule(changes, kind, rule_id);
  if (existing != changes.rules.end()) {
    changes.rules.erase(existing);
    return;
  }
  if (isDefaultRule(kind, rule_id)) {
    throw MatrixError(ErrCode::InvalidParam, "Server-default rules cannot be deleted; disable them");
  }
  notFound();
}

void setEnabled(UserChanges& changes, Kind kind, const std::string& rule_id, bool enabled) {
  auto existing = findUserRule(changes, kind, rule_id);
  if (existing != changes.rules.end()) {
    existing->rule.enabled = enabled;
    return;
  }
  defaultChange(changes, kind, rule_id).enabled = enabled;
}

void setActions(UserChanges& changes, Kind kind, const std::string& rule_id, std::string actions) {
  auto existing = findUserRule(changes, kind, rule_id);
  if (existing != changes.rules.end()) {
    existing->rule.actions = std::move(actions);
    return;
  }
  defaultChange(changes, kind, rule_id).actions = std::move(actions);
}

}  // namespace hs::push_rules
