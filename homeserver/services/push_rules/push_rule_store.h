#pragma once
// What the push rule service needs from storage. db/pg_push_rule_store implements it.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "homeserver/services/push_rules/push_rules.h"

namespace hs::push_rules {

class PushRuleStore {
 public:
  virtual ~PushRuleStore() = default;

  // The user's own rules and changes to server-default rules (empty for a new user).
  virtual UserChanges load(const std::string& user_id) = 0;
  // Locks the user's rules, lets `edit` change them and saves the result with stream_pos, in
  // one transaction. When `edit` throws, nothing is written.
  using Edit = std::function<void(UserChanges&)>;
  virtual void update(const std::string& user_id, const Edit& edit, int64_t stream_pos) = 0;
  // The stream position of the user's last change; nullopt when they never changed anything.
  virtual std::optional<int64_t> lastChange(const std::string& user_id) = 0;
};

}  // namespace hs::push_rules
