#include "db/pg_push_rule_store.h"

#include <array>
#include <pqxx/pqxx>

#include "db/pg_util.h"

namespace hs::db {

using push_rules::DefaultChange;
using push_rules::Kind;
using push_rules::UserChanges;
using push_rules::UserRule;

namespace {
// Moves the user's change position and row-locks it: concurrent edits of one user's rules run
// one after the other instead of overwriting each other.
constexpr const char* kLockUser =
    "INSERT INTO push_rules_stream (user_id, stream_pos) VALUES ($1, $2) "
    "ON CONFLICT (user_id) DO UPDATE SET stream_pos = EXCLUDED.stream_pos";
constexpr const char* kSelectRules =
    "SELECT kind, rule_id, conditions, pattern, actions, enabled FROM push_rules "
    "WHERE user_id = $1 ORDER BY kind, priority";
constexpr const char* kSelectDefaults =
    "SELECT rule_id, enabled, actions FROM push_rule_defaults WHERE user_id = $1 ORDER BY rule_id";
constexpr const char* kDeleteRules = "DELETE FROM push_rules WHERE user_id = $1";
constexpr const char* kDeleteDefaults = "DELETE FROM push_rule_defaults WHERE user_id = $1";
constexpr const char* kInsertRule =
    "INSERT INTO push_rules (user_id, kind, rule_id, priority, conditions, pattern, actions, "
    "enabled) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";
constexpr const char* kInsertDefault =
    "INSERT INTO push_rule_defaults (user_id, rule_id, enabled, actions) VALUES ($1, $2, $3, $4)";
constexpr const char* kLastChange = "SELECT stream_pos FROM push_rules_stream WHERE user_id = $1";

std::optional<bool> optBool(const pqxx::field& f) {
  if (f.is_null()) {
    return std::nullopt;
  }
  return f.as<bool>();
}

UserChanges loadIn(pqxx::transaction_base& tx, const std::string& user_id) {
  UserChanges out;
  for (const auto& row : tx.exec_params(kSelectRules, user_id)) {
    UserRule r;
    r.kind = push_rules::parseKind(row[0].as<std::string>());  // the CHECK constraint holds
    r.rule = push_rules::PushRule{row[1].as<std::string>(), false, row[5].as<bool>(),
                                  optStr(row[2]), optStr(row[3]), row[4].as<std::string>()};
    out.rules.push_back(std::move(r));
  }
  for (const auto& row : tx.exec_params(kSelectDefaults, user_id)) {
    out.defaults.push_back(DefaultChange{row[0].as<std::string>(), optBool(row[1]), optStr(row[2])});
  }
  return out;
}

// Rewrites the user's rows: a user has a handful of rules, so replacing them all keeps the
// priorities dense without renumbering logic in SQL.
void saveIn(pqxx::work& tx, const std::string& user_id, const UserChanges& c) {
  tx.exec_params(kDeleteRules, user_id);
  tx.exec_params(kDeleteDefaults, user_id);
  std::array<int, push_rules::kKinds.size()> next_priority{};
  for (const UserRule& r : c.rules) {
    const int priority = next_priority[static_cast<size_t>(r.kind)]++;
    tx.exec_params(kInsertRule, user_id, push_rules::kindName(r.kind), r.rule.rule_id, priority,
                   r.rule.conditions, r.rule.pattern, r.rule.actions, r.rule.enabled);
  }
  for (const DefaultChange& d : c.defaults) {
    tx.exec_params(kInsertDefault, user_id, d.rule_id, d.enabled, d.actions);
  }
}
}  // namespace

UserChanges PgPushRuleStore::load(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return loadIn(tx, user_id);
}

void PgPushRuleStore::update(const std::string& user_id, const Edit& edit, int64_t stream_pos) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kLockUser, user_id, stream_pos);
  UserChanges changes = loadIn(tx, user_id);
  edit(changes);  // may throw MatrixError: the transaction then rolls back
  saveIn(tx, user_id, changes);
  tx.commit();
}

std::optional<int64_t> PgPushRuleStore::lastChange(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kLastChange, user_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return r[0][0].as<int64_t>();
}

}  // namespace hs::db
