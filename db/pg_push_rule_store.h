#pragma once
// PostgreSQL implementation of the push rule service's store (tables push_rules,
// push_rule_defaults and push_rules_stream).
#include "db/pool.h"
#include "homeserver/services/push_rules/push_rule_store.h"

namespace hs::db {

class PgPushRuleStore final : public push_rules::PushRuleStore {
 public:
  explicit PgPushRuleStore(Pool& pool) : pool_(pool) {}

  push_rules::UserChanges load(const std::string& user_id) override;
  void update(const std::string& user_id, const Edit& edit, int64_t stream_pos) override;
  std::optional<int64_t> lastChange(const std::string& user_id) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
