#pragma once
// What the account data service needs from storage. db/pg_account_data_store implements it.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hs::account_data {

// One account data event as /sync sends it: room_id is "" for global account data, content is
// the JSON object text.
struct AccountDataEvent {
  std::string room_id;
  std::string type;
  std::string content;
};

class AccountDataStore {
 public:
  virtual ~AccountDataStore() = default;

  virtual std::optional<std::string> get(const std::string& user_id, const std::string& room_id,
                                         const std::string& type) = 0;
  // The content of one key for each of `user_ids` that has it (user id -> content).
  virtual std::map<std::string, std::string> getForUsers(const std::vector<std::string>& user_ids,
                                                         const std::string& room_id,
                                                         const std::string& type) = 0;
  // Replaces the content and records stream_pos, in one transaction.
  virtual void put(const std::string& user_id, const std::string& room_id, const std::string& type,
                   const std::string& content, int64_t stream_pos) = 0;
  // Read-modify-write under a row lock: `change` gets the current content ("{}" when unset) and
  // returns the new one. Concurrent edits of one key (two tag changes) cannot lose each other.
  using Change = std::function<std::string(const std::string& current)>;
  virtual void modify(const std::string& user_id, const std::string& room_id,
                      const std::string& type, const Change& change, int64_t stream_pos) = 0;
  // The latest value of every key written in (from_exclusive, to_inclusive], in stream order.
  virtual std::vector<AccountDataEvent> changedSince(const std::string& user_id,
                                                     int64_t from_exclusive,
                                                     int64_t to_inclusive) = 0;
};

}  // namespace hs::account_data
