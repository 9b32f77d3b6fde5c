#include "homeserver/services/push_rules/push_evaluator.h"

#include <cctype>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

namespace hs::push_rules {

namespace {
char lower(char c) { return static_cast<char>(std::tolower(static_cast<unsigned char>(c))); }
bool isWordChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_'; }

// Adds every state reachable from `k` through '*' (which may match nothing).
void addState(std::vector<bool>& states, std::string_view p, size_t k) {
  while (k <= p.size() && !states[k]) {
    states[k] = true;
    if (k < p.size() && p[k] == '*') {
      ++k;
    } else {
      return;
    }
  }
}

bool scalarEquals(const json::Value& a, const json::Value& b) {
  if (a.IsString() && b.IsString()) {
    return std::string_view(a.GetString(), a.GetStringLength()) ==
           std::string_view(b.GetString(), b.GetStringLength());
  }
  if (a.IsBool() && b.IsBool()) {
    return a.GetBool() == b.GetBool();
  }
  if (a.IsNull() && b.IsNull()) {
    return true;
  }
  return a.IsInt64() && b.IsInt64() && a.GetInt64() == b.GetInt64();
}

bool isScalar(const json::Value& v) { return v.IsString() || v.IsBool() || v.IsNull() || v.IsInt64(); }

std::string stringOf(const json::Value& obj, const char* key) {
  const json::Value* v = json::member(obj, key);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : std::string();
}

bool memberCountMatches(const std::string& is, int64_t count) {
  size_t digits = is.find_first_of("0123456789");
  if (digits == std::string::npos || is.find_first_not_of("0123456789", digits) != std::string::npos) {
    return false;
  }
  const std::string op = is.substr(0, digits);
  const int64_t n = std::stoll(is.substr(digits, 18));
  if (op.empty() || op == "==") return count == n;
  if (op == "<") return count < n;
  if (op == ">") return count > n;
  if (op == "<=") return count <= n;
  if (op == ">=") return count >= n;
  return false;
}

bool conditionHolds(const json::Value& c, const json::Value& event, const EvalContext& ctx) {
  const std::string kind = stringOf(c, "kind");
  const std::string key = stringOf(c, "key");
  if (kind == "event_match") {
    const json::Value* v = propertyAt(event, key);
    const json::Value* pattern = json::member(c, "pattern");
    return v && v->IsString() && pattern && pattern->IsString() &&
           pushGlobMatches(pattern->GetString(), {v->GetString(), v->GetStringLength()},
                           key == "content.body");
  }
  if (kind == "event_property_is") {
    const json::Value* v = propertyAt(event, key);
    const json::Value* want = json::member(c, "value");
    return v && want && isScalar(*v) && scalarEquals(*v, *want);
  }
  if (kind == "event_property_contains") {
    const json::Value* v = propertyAt(event, key);
    const json::Value* want = json::member(c, "value");
    if (!v || !want || !v->IsArray()) {
      return false;
    }
    for (const auto& item : v->GetArray()) {
      if (isScalar(item) && scalarEquals(item, *want)) {
        return true;
      }
    }
    return false;
  }
  if (kind == "contains_display_name") {
    const json::Value* body = propertyAt(event, "content.body");
    return ctx.display_name && !ctx.display_name->empty() && body && body->IsString() &&
           pushGlobMatches(*ctx.display_name, {body->GetString(), body->GetStringLength()}, true);
  }
  if (kind == "room_member_count") {
    return memberCountMatches(stringOf(c, "is"), ctx.member_count);
  }
  if (kind == "sender_notification_permission") {
    const auto it = ctx.notification_levels.find(key);
    const int64_t needed = it != ctx.notification_levels.end() ? it->second : 50;
    return ctx.sender_power >= needed;
  }
  return false;  // unknown conditions never match
}

// A rule's conditions, parsed once for the process: every event is evaluated for every
// recipient against a dozen rules whose condition texts are mostly the same server defaults,
// and parsing them each time was most of the cost of a send to a big room. One cache, not one
// per worker thread: each parsed document holds a 64 KiB allocator chunk. Null when invalid.
std::shared_ptr<const json::Document> parsedConditions(const std::string& text) {
  constexpr size_t kMaxCached = 256;
  static std::mutex mu;
  static std::unordered_map<std::string, std::shared_ptr<const json::Document>> cache;
  std::shared_ptr<const json::Document> doc;
  {
    std::lock_guard lock(mu);
    if (auto it = cache.find(text); it != cache.end()) {
      doc = it->second;
    }
  }
  if (!doc) {
    auto parsed = std::make_shared<json::Document>();
    parsed->Parse(text.c_str(), text.size());
    doc = std::move(parsed);
    std::lock_guard lock(mu);
    if (cache.size() >= kMaxCached) {
      cache.clear();  // holders keep their copy alive
    }
    cache.emplace(text, doc);
  }
  return doc->HasParseError() || !doc->IsArray() ? nullptr : doc;
}

bool ruleMatches(Kind kind, const PushRule& rule, const json::Value& event, const EvalContext& ctx) {
  switch (kind) {
    case Kind::Override:
    case Kind::Underride: {
      const auto conditions = parsedConditions(rule.conditions.value_or("[]"));
      if (conditions == nullptr) {
        return false;
      }
      for (const auto& c : conditions->GetArray()) {
        if (!c.IsObject() || !conditionHolds(c, event, ctx)) {
          return false;
        }
      }
      return true;
    }
    case Kind::Content: {
      const json::Value* body = propertyAt(event, "content.body");
      return rule.pattern && body && body->IsString() &&
             pushGlobMatches(*rule.pattern, {body->GetString(), body->GetStringLength()}, true);
    }
    case Kind::Room: return rule.rule_id == ctx.room_id;
    case Kind::Sender: return rule.rule_id == stringOf(event, "sender");
  }
  return false;
}
}  // namespace

bool pushGlobMatches(std::string_view pattern, std::string_view value, bool word_boundary) {
  std::vector<bool> states(pattern.size() + 1, false);
  // A match may start after a non-word character and end before one (or at either end).
  auto starts_at = [&](size_t i) {
    return i == 0 || (word_boundary && i <= value.size() && !isWordChar(value[i - 1]));
  };
  auto ends_at = [&](size_t j) {
    return j == value.size() || (word_boundary && !isWordChar(value[j]));
  };
  for (size_t i = 0;; ++i) {
    if (starts_at(i)) {
      addState(states, pattern, 0);
    }
    if (states[pattern.size()] && ends_at(i)) {
      return true;
    }
    if (i == value.size()) {
      return false;
    }
    std::vector<bool> next(pattern.size() + 1, false);
    for (size_t k = 0; k < pattern.size(); ++k) {
      if (!states[k]) {
        continue;
      }
      if (pattern[k] == '*') {
        addState(next, pattern, k);
      } else if (pattern[k] == '?' || lower(pattern[k]) == lower(value[i])) {
        addState(next, pattern, k + 1);
      }
    }
    states.swap(next);
  }
}

const json::Value* propertyAt(const json::Value& event, std::string_view path) {
  const json::Value* at = &event;
  std::string segment;
  for (size_t i = 0; i <= path.size(); ++i) {
    if (i == path.size() || path[i] == '.') {
      if (!at->IsObject()) {
        return nullptr;
      }
      at = json::member(*at, segment);
      if (at == nullptr) {
        return nullptr;
      }
      segment.clear();
    } else if (path[i] == '\\' && i + 1 < path.size() && (path[i + 1] == '.' || path[i + 1] == '\\')) {
      segment += path[++i];
    } else {
      segment += path[i];
    }
  }
  return at;
}

void readActions(const std::string& actions_json, bool& notify, bool& highlight) {
  notify = false;
  highlight = false;
  const auto actions = json::tryParse(actions_json);
  if (!actions || !actions->IsArray()) {
    return;
  }
  for (const auto& a : actions->GetArray()) {
    if (a.IsString() && std::string_view(a.GetString()) == "notify") {
      notify = true;
    } else if (a.IsObject() && stringOf(a, "set_tweak") == "highlight") {
      const json::Value* v = json::member(a, "value");
      highlight = v == nullptr || (v->IsBool() && v->GetBool());
    }
  }
}

EvalResult evaluate(const Ruleset& rules, const json::Value& event, const EvalContext& ctx) {
  for (Kind kind : kKinds) {
    for (const PushRule& rule : rules.of(kind)) {
      if (rule.enabled && ruleMatches(kind, rule, event, ctx)) {
        EvalResult r{true, rule.rule_id, rule.actions, false, false};
        readActions(rule.actions, r.notify, r.highlight);
        return r;
      }
    }
  }
  return EvalResult{};
}

}  // namespace hs::push_rules
