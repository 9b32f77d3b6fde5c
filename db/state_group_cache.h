#pragma once
// Resolved state groups in memory. A state group never changes once written (new state makes
// a new group), and neither does an interned state key, so both are cached without
// invalidation: resolving a room's state through its chain of up to 100 layers is the
// costliest read of an initial /sync, and the same rooms' groups are asked for again and
// again by every member who syncs.
#include <cstdint>
#include <memory>
#include <mutex>
#include <pqxx/pqxx>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace hs::db {

class StateGroupCache {
 public:
  // (key_nid, event_nid) of every key of a group's state, by key_nid.
  using Resolved = std::vector<std::pair<int32_t, int64_t>>;
  struct Key {
    std::string type;
    std::string state_key;
  };

  explicit StateGroupCache(size_t max_groups = 4096) : max_groups_(max_groups) {}

  // The resolved state of each group, reading the ones not cached yet in one query.
  std::unordered_map<int64_t, std::shared_ptr<const Resolved>> resolve(pqxx::transaction_base& tx,
                                                                       const std::vector<int64_t>& groups);
  // (type, state_key) of each key nid, reading the unknown ones in one query.
  std::unordered_map<int32_t, Key> keys(pqxx::transaction_base& tx, const std::vector<int32_t>& key_nids);

 private:
  const size_t max_groups_;
  std::mutex mu_;
  std::unordered_map<int64_t, std::shared_ptr<const Resolved>> groups_;  // guarded by mu_
  std::unordered_map<int32_t, Key> keys_;                                // guarded by mu_
};

}  // namespace hs::db
