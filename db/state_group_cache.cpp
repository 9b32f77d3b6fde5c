#include "db/state_group_cache.h"

#include "db/pg_util.h"

namespace hs::db {

namespace {
// Each group resolved through its parents: for each key the nearest layer wins. Each step
// looks the parent up through the primary key (OFFSET 0 keeps it a per-row subquery: as a
// join, PostgreSQL hashed all of state_groups at every step).
constexpr const char* kResolve =
    "WITH RECURSIVE chain (root, group_id, depth) AS ("
    "  SELECT r.group_id, r.group_id, 0 FROM unnest($1::bigint[]) AS r (group_id) "
    "  UNION ALL SELECT c.root, p.parent, c.depth + 1 FROM chain c CROSS JOIN LATERAL ("
    "    SELECT g.parent FROM state_groups g WHERE g.group_id = c.group_id OFFSET 0) p "
    "  WHERE p.parent IS NOT NULL) "
    "SELECT DISTINCT ON (c.root, x.key_nid) c.root, x.key_nid, x.event_nid FROM chain c "
    "JOIN state_group_entries x ON x.group_id = c.group_id ORDER BY c.root, x.key_nid, c.depth";
constexpr const char* kKeys =
    "SELECT key_nid, type, state_key FROM state_keys WHERE key_nid = ANY($1::int[])";
// Interned keys are few per room but grow with users; past this the cache starts over.
constexpr size_t kMaxKeys = 500000;

}  // namespace

std::unordered_map<int64_t, std::shared_ptr<const StateGroupCache::Resolved>> StateGroupCache::resolve(
    pqxx::transaction_base& tx, const std::vector<int64_t>& groups) {
  std::unordered_map<int64_t, std::shared_ptr<const Resolved>> out;
  std::vector<int64_t> missing;
  {
    std::lock_guard lock(mu_);
    for (const int64_t g : groups) {
      const auto it = groups_.find(g);
      if (it != groups_.end()) {
        out.emplace(g, it->second);
      } else if (!out.count(g)) {
        missing.push_back(g);
        out.emplace(g, nullptr);
      }
    }
  }
  if (missing.empty()) {
    return out;
  }
  // Read without the lock: two syncs missing the same group both read it, the same result.
  std::unordered_map<int64_t, Resolved> read;
  for (const auto& row : tx.exec_params(kResolve, numberArray(missing))) {
    read[row[0].as<int64_t>()].emplace_back(row[1].as<int32_t>(), row[2].as<int64_t>());
  }
  std::lock_guard lock(mu_);
  if (groups_.size() + missing.size() > max_groups_) {
    groups_.clear();  // bounded memory; the groups in use come back on their next read
  }
  for (const int64_t g : missing) {
    auto resolved = std::make_shared<const Resolved>(std::move(read[g]));
    groups_[g] = resolved;
    out[g] = std::move(resolved);
  }
  return out;
}

std::unordered_map<int32_t, StateGroupCache::Key> StateGroupCache::keys(pqxx::transaction_base& tx,
                                                                        const std::vector<int32_t>& key_nids) {
  std::unordered_map<int32_t, Key> out;
  std::vector<int32_t> missing;
  {
    std::lock_guard lock(mu_);
    for (const int32_t k : key_nids) {
      const auto it = keys_.find(k);
      if (it != keys_.end()) {
        out.emplace(k, it->second);
      } else if (out.emplace(k, Key{}).second) {
        missing.push_back(k);
      }
    }
  }
  if (missing.empty()) {
    return out;
  }
  const auto rows = tx.exec_params(kKeys, numberArray(missing));
  std::lock_guard lock(mu_);
  if (keys_.size() + missing.size() > kMaxKeys) {
    keys_.clear();
  }
  for (const auto& row : rows) {
    Key key{row[1].as<std::string>(), row[2].as<std::string>()};
    keys_[row[0].as<int32_t>()] = key;
    out[row[0].as<int32_t>()] = std::move(key);
  }
  return out;
}

}  // namespace hs::db
