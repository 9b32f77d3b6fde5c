#include "homeserver/core/redaction.h"

#include <algorithm>
#include <array>
#include <span>
#include <string_view>

#include "homeserver/core/matrix_error.h"

namespace hs::core {

namespace {
using Keys = std::span<const std::string_view>;
using Alloc = json::Document::AllocatorType;

// The redaction rule sets of the room versions (content/rooms/fragments/v*-redactions.md).
enum class Rules {
  kV1,   // rooms v1-v5
  kV6,   // v6-v7: m.room.aliases lost its special content
  kV8,   // v8: m.room.join_rules keeps `allow`
  kV9,   // v9-v10: m.room.member keeps join_authorised_via_users_server
  kV11,  // v11-v12
};

constexpr std::array<std::string_view, 12> kTopLevel = {
    "event_id", "type",       "room_id", "sender",      "state_key",   "content",
    "hashes",   "signatures", "depth",   "prev_events", "auth_events", "origin_server_ts"};
// Kept by the v1-v10 rules only; v11 dropped them as unused.
constexpr std::array<std::string_view, 3> kV10TopLevel = {"prev_state", "origin", "membership"};

constexpr std::array<std::string_view, 1> kMemberV1 = {"membership"};
constexpr std::array<std::string_view, 2> kMember = {"membership",
                                                     "join_authorised_via_users_server"};
constexpr std::array<std::string_view, 1> kCreateV10 = {"creator"};
constexpr std::array<std::string_view, 1> kJoinRulesV1 = {"join_rule"};
constexpr std::array<std::string_view, 2> kJoinRules = {"join_rule", "allow"};
constexpr std::array<std::string_view, 1> kAliases = {"aliases"};
constexpr std::array<std::string_view, 8> kPowerLevelsV10 = {
    "ban", "events", "events_default", "kick", "redact", "state_default", "users", "users_default"};
constexpr std::array<std::string_view, 9> kPowerLevelsV11 = {
    "ban",    "events",        "events_default", "invite",       "kick",
    "redact", "state_default", "users",          "users_default"};
constexpr std::array<std::string_view, 1> kHistoryVisibility = {"history_visibility"};
constexpr std::array<std::string_view, 1> kRedactionV11 = {"redacts"};

Rules rulesFor(const std::string& room_version) {
  static const std::array<std::pair<std::string_view, Rules>, 12> kByVersion = {{
      {"1", Rules::kV1}, {"2", Rules::kV1}, {"3", Rules::kV1}, {"4", Rules::kV1},
      {"5", Rules::kV1}, {"6", Rules::kV6}, {"7", Rules::kV6}, {"8", Rules::kV8},
      {"9", Rules::kV9}, {"10", Rules::kV9}, {"11", Rules::kV11}, {"12", Rules::kV11},
  }};
  for (const auto& [version, rules] : kByVersion) {
    if (version == room_version) {
      return rules;
    }
  }
  throw MatrixError(ErrCode::UnsupportedRoomVersion,
                    "Unsupported room version '" + room_version + "'");
}

bool contains(Keys keys, std::string_view key) {
  return std::find(keys.begin(), keys.end(), key) != keys.end();
}

std::string_view view(const json::Value& s) { return {s.GetString(), s.GetStringLength()}; }

bool keepTopLevel(std::string_view key, Rules rules) {
  return contains(kTopLevel, key) || (rules != Rules::kV11 && contains(kV10TopLevel, key));
}

// The content keys kept for `type` (m.room.create under v11 is handled by the caller).
Keys contentKeys(std::string_view type, Rules rules) {
  const bool v11 = rules == Rules::kV11;
  if (type == "m.room.member") {
    return rules >= Rules::kV9 ? Keys(kMember) : Keys(kMemberV1);
  }
  if (type == "m.room.create") {
    return kCreateV10;
  }
  if (type == "m.room.join_rules") {
    return rules >= Rules::kV8 ? Keys(kJoinRules) : Keys(kJoinRulesV1);
  }
  if (type == "m.room.aliases" && rules == Rules::kV1) {
    return kAliases;
  }
  if (type == "m.room.power_levels") {
    return v11 ? Keys(kPowerLevelsV11) : Keys(kPowerLevelsV10);
  }
  if (type == "m.room.history_visibility") {
    return kHistoryVisibility;
  }
  if (type == "m.room.redaction" && v11) {  // v10 keeps `redacts` nowhere
    return kRedactionV11;
  }
  return {};
}

// v11 keeps third_party_invite.signed only. Like Synapse, an invite object without `signed`
// leaves `third_party_invite: {}` behind.
void keepThirdPartyInviteSigned(const json::Value& content, json::Value& out, Alloc& alloc) {
  const json::Value* invite = json::member(content, "third_party_invite");
  if (invite == nullptr || !invite->IsObject()) {
    return;
  }
  json::Value kept(rapidjson::kObjectType);
  if (const json::Value* signed_part = json::member(*invite, "signed")) {
    kept.AddMember("signed", json::Value(*signed_part, alloc), alloc);
  }
  out.AddMember("third_party_invite", kept, alloc);
}

json::Value redactContent(const json::Value* content, std::string_view type, Rules rules,
                          Alloc& alloc) {
  json::Value out(rapidjson::kObjectType);
  if (content == nullptr || !content->IsObject()) {
    return out;
  }
  if (rules == Rules::kV11 && type == "m.room.create") {
    out.CopyFrom(*content, alloc);  // v11 keeps the whole create content
    return out;
  }
  const Keys keys = contentKeys(type, rules);
  for (const auto& m : content->GetObject()) {
    if (contains(keys, view(m.name))) {
      out.AddMember(json::Value(m.name, alloc), json::Value(m.value, alloc), alloc);
    }
  }
  if (rules == Rules::kV11 && type == "m.room.member") {
    keepThirdPartyInviteSigned(*content, out, alloc);
  }
  return out;
}
}  // namespace

json::Document redactEvent(const json::Value& event, const std::string& room_version) {
  const Rules rules = rulesFor(room_version);
  if (!event.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "An event must be a JSON object");
  }
  const json::Value* type = json::member(event, "type");
  const std::string_view type_name = type != nullptr && type->IsString() ? view(*type) : "";
  json::Document out;
  out.SetObject();
  auto& alloc = out.GetAllocator();
  for (const auto& m : event.GetObject()) {
    if (view(m.name) != "content" && keepTopLevel(view(m.name), rules)) {
      out.AddMember(json::Value(m.name, alloc), json::Value(m.value, alloc), alloc);
    }
  }
  // Always present, even when the input had none, as Synapse does.
  out.AddMember("content", redactContent(json::member(event, "content"), type_name, rules, alloc),
                alloc);
  return out;
}

}  // namespace hs::core
