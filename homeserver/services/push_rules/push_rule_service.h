#pragma once
// A user's push rules: the spec's server-default rules plus the user's own changes. Every
// change takes a stream position so /sync can send the new m.push_rules account data event.
// All methods act on the user's own rules: the API has no way to name another user.
#include <cstdint>
#include <mutex>
#include <unordered_map>
#include <optional>
#include <string>

#include "homeserver/services/push_rules/push_rule_store.h"
#include "homeserver/services/push_rules/push_rules.h"
#include "homeserver/services/streams/notifier.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::push_rules {

inline constexpr const char* kPushRulesType = "m.push_rules";

class PushRuleService {
 public:
  PushRuleService(PushRuleStore& store, streams::StreamTracker& stream, streams::Notifier& notifier)
      : store_(store), stream_(stream), notifier_(notifier) {}

  // The effective rules, in evaluation order (for notification counts and pushers).
  Ruleset rules(const std::string& user_id);
  // {"global":{...}}: the GET /pushrules/ body and the m.push_rules account data content.
  std::string renderGlobal(const std::string& user_id);
  std::string renderKindRule(const std::string& user_id, Kind kind, const std::string& rule_id);
  bool enabled(const std::string& user_id, Kind kind, const std::string& rule_id);
  std::string actions(const std::string& user_id, Kind kind, const std::string& rule_id);

  void put(const std::string& user_id, Kind kind, const std::string& rule_id, RuleBody body,
           const std::optional<std::string>& before, const std::optional<std::string>& after);
  void remove(const std::string& user_id, Kind kind, const std::string& rule_id);
  void setEnabled(const std::string& user_id, Kind kind, const std::string& rule_id, bool enabled);
  void setActions(const std::string& user_id, Kind kind, const std::string& rule_id,
                  std::string actions_json);

  // For /sync: whether the user's rules changed in (from_exclusive, to_inclusive].
  bool changedBetween(const std::string& user_id, int64_t from_exclusive, int64_t to_inclusive);

 private:
  PushRule find(const std::string& user_id, Kind kind, const std::string& rule_id);
  void edit(const std::string& user_id, const PushRuleStore::Edit& change);

  // The user's stored changes, cached: every event is evaluated against the rules of every
  // recipient, and rules change rarely. Only edit() writes them, and it drops the entry.
  UserChanges userChanges(const std::string& user_id);

  PushRuleStore& store_;
  streams::StreamTracker& stream_;
  streams::Notifier& notifier_;
  std::mutex cache_mu_;
  std::unordered_map<std::string, UserChanges> cache_;  // guarded by cache_mu_
  uint64_t edits_ = 0;                                   // guarded by cache_mu_
};

}  // namespace hs::push_rules
