// The server-default push rules, verbatim from the Matrix spec (client-server API, "Predefined
// Rules", v1.17 and later: the legacy body-matching mention rules are gone). A placeholder
// stands for the user's Matrix ID.
#include "homeserver/core/json.h"
#include "homeserver/services/push_rules/push_rules.h"

namespace hs::push_rules {

namespace {
constexpr std::string_view kUserIdPlaceholder = "@@USER_ID@@";

constexpr const char* kDefaultRules = R"json({
"override": [
  {"rule_id": ".m.rule.master", "default": true, "enabled": false,
   "conditions": [], "actions": []},
  {"rule_id": ".m.rule.suppress_notices", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "content.msgtype", "pattern": "m.notice"}],
   "actions": []},
  {"rule_id": ".m.rule.invite_for_me", "default": true, "enabled": true,
   "conditions": [{"key": "type", "kind": "event_match", "pattern": "m.room.member"},
                  {"key": "content.membership", "kind": "event_match", "pattern": "invite"},
                  {"key": "state_key", "kind": "event_match", "pattern": "@@USER_ID@@"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
  {"rule_id": ".m.rule.member_event", "default": true, "enabled": true,
   "conditions": [{"key": "type", "kind": "event_match", "pattern": "m.room.member"}],
   "actions": []},
  {"rule_id": ".m.rule.is_user_mention", "default": true, "enabled": true,
   "conditions": [{"kind": "event_property_contains", "key": "content.m\\.mentions.user_ids",
                   "value": "@@USER_ID@@"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}, {"set_tweak": "highlight"}]},
  {"rule_id": ".m.rule.is_room_mention", "default": true, "enabled": true,
   "conditions": [{"kind": "event_property_is", "key": "content.m\\.mentions.room", "value": true},
                  {"kind": "sender_notification_permission", "key": "room"}],
   "actions": ["notify", {"set_tweak": "highlight"}]},
  {"rule_id": ".m.rule.tombstone", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.tombstone"},
                  {"kind": "event_match", "key": "state_key", "pattern": ""}],
   "actions": ["notify", {"set_tweak": "highlight"}]},
  {"rule_id": ".m.rule.reaction", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.reaction"}],
   "actions": []},
  {"rule_id": ".m.rule.room.server_acl", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.server_acl"},
                  {"kind": "event_match", "key": "state_key", "pattern": ""}],
   "actions": []},
  {"rule_id": ".m.rule.suppress_edits", "default": true, "enabled": true,
   "conditions": [{"kind": "event_property_is", "key": "content.m\\.relates_to.rel_type",
                   "value": "m.replace"}],
   "actions": []}
],
"underride": [
  {"rule_id": ".m.rule.call", "default": true, "enabled": true,
   "conditions": [{"key": "type", "kind": "event_match", "pattern": "m.call.invite"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "ring"}]},
  {"rule_id": ".m.rule.encrypted_room_one_to_one", "default": true, "enabled": true,
   "conditions": [{"kind": "room_member_count", "is": "2"},
                  {"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
  {"rule_id": ".m.rule.room_one_to_one", "default": true, "enabled": true,
   "conditions": [{"kind": "room_member_count", "is": "2"},
                  {"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
   "actions": ["notify", {"set_tweak": "sound", "value": "default"}]},
  {"rule_id": ".m.rule.message", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.message"}],
   "actions": ["notify"]},
  {"rule_id": ".m.rule.encrypted", "default": true, "enabled": true,
   "conditions": [{"kind": "event_match", "key": "type", "pattern": "m.room.encrypted"}],
   "actions": ["notify"]}
]
})json";

// The user id as it must appear inside a JSON string (quotes and backslashes escaped).
std::string jsonEscaped(const std::string& s) {
  json::Writer w;
  w.string(s);
  const std::string quoted = w.take();
  return quoted.substr(1, quoted.size() - 2);
}

std::string substituteUser(const std::string& user_id) {
  std::string text = kDefaultRules;
  const std::string escaped = jsonEscaped(user_id);
  for (size_t at = text.find(kUserIdPlaceholder); at != std::string::npos;
       at = text.find(kUserIdPlaceholder, at + escaped.size())) {
    text.replace(at, kUserIdPlaceholder.size(), escaped);
  }
  return text;
}

std::vector<PushRule> rulesOf(const json::Value& list) {
  std::vector<PushRule> out;
  for (const auto& r : list.GetArray()) {
    PushRule rule;
    rule.rule_id = r["rule_id"].GetString();
    rule.is_default = true;
    rule.enabled = r["enabled"].GetBool();
    rule.conditions = json::toString(r["conditions"]);
    rule.actions = json::toString(r["actions"]);
    out.push_back(std::move(rule));
  }
  return out;
}
}  // namespace

Ruleset defaultRules(const std::string& user_id) {
  const auto doc = json::tryParse(substituteUser(user_id));  // the template is valid JSON
  Ruleset rules;
  rules.of(Kind::Override) = rulesOf((*doc)["override"]);
  rules.of(Kind::Underride) = rulesOf((*doc)["underride"]);
  return rules;
}

}  // namespace hs::push_rules
