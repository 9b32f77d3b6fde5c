#include "homeserver/services/push_rules/push_rule_service.h"

#include "homeserver/core/matrix_error.h"

namespace hs::push_rules {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kCachedUsers = 4096;
}

UserChanges PushRuleService::userChanges(const std::string& user_id) {
  uint64_t seen;
  {
    std::lock_guard lock(cache_mu_);
    if (auto it = cache_.find(user_id); it != cache_.end()) {
      return it->second;
    }
    seen = edits_;
  }
  UserChanges loaded = store_.load(user_id);
  std::lock_guard lock(cache_mu_);
  if (edits_ == seen) {  // no edit raced this read
    if (cache_.size() >= kCachedUsers) {
      cache_.clear();
    }
    cache_.emplace(user_id, loaded);
  }
  return loaded;
}

Ruleset PushRuleService::rules(const std::string& user_id) {
  return effectiveRules(user_id, userChanges(user_id));
}

std::string PushRuleService::renderGlobal(const std::string& user_id) {
  return push_rules::renderGlobal(rules(user_id));
}

PushRule PushRuleService::find(const std::string& user_id, Kind kind, const std::string& rule_id) {
  const Ruleset all = rules(user_id);
  const PushRule* rule = all.find(kind, rule_id);
  if (rule == nullptr) {
    throw MatrixError(ErrCode::NotFound, "The push rule was not found.");
  }
  return *rule;
}

std::string PushRuleService::renderKindRule(const std::string& user_id, Kind kind,
                                            const std::string& rule_id) {
  return renderRule(kind, find(user_id, kind, rule_id));
}

bool PushRuleService::enabled(const std::string& user_id, Kind kind, const std::string& rule_id) {
  return find(user_id, kind, rule_id).enabled;
}

std::string PushRuleService::actions(const std::string& user_id, Kind kind,
                                     const std::string& rule_id) {
  return find(user_id, kind, rule_id).actions;
}

void PushRuleService::put(const std::string& user_id, Kind kind, const std::string& rule_id,
                          RuleBody body, const std::optional<std::string>& before,
                          const std::optional<std::string>& after) {
  edit(user_id, [&](UserChanges& c) { putUserRule(c, kind, rule_id, std::move(body), before, after); });
}

void PushRuleService::remove(const std::string& user_id, Kind kind, const std::string& rule_id) {
  edit(user_id, [&](UserChanges& c) { deleteUserRule(c, kind, rule_id); });
}

void PushRuleService::setEnabled(const std::string& user_id, Kind kind, const std::string& rule_id,
                                 bool enabled) {
  edit(user_id, [&](UserChanges& c) { push_rules::setEnabled(c, kind, rule_id, enabled); });
}

void PushRuleService::setActions(const std::string& user_id, Kind kind, const std::string& rule_id,
                                 std::string actions_json) {
  edit(user_id, [&](UserChanges& c) { push_rules::setActions(c, kind, rule_id, std::move(actions_json)); });
}

bool PushRuleService::changedBetween(const std::string& user_id, int64_t from_exclusive,
                                     int64_t to_inclusive) {
  const auto last = store_.lastChange(user_id);
  return last && *last > from_exclusive && *last <= to_inclusive;
}

void PushRuleService::edit(const std::string& user_id, const PushRuleStore::Edit& change) {
  {
    streams::StreamTracker::Reservation r(stream_);
    store_.update(user_id, change, r.position());
  }  // finished before the wake-up, so a woken /sync can already read the new position
  {
    std::lock_guard lock(cache_mu_);
    ++edits_;
    cache_.erase(user_id);
  }
  notifier_.notifyUsers({user_id});
}

}  // namespace hs::push_rules
