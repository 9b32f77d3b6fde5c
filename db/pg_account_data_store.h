#pragma once
// PostgreSQL implementation of the account data service's store (table account_data).
#include "db/pool.h"
#include "homeserver/services/account_data/account_data_store.h"

namespace hs::db {

class PgAccountDataStore final : public account_data::AccountDataStore {
 public:
  explicit PgAccountDataStore(Pool& pool) : pool_(pool) {}

  std::optional<std::string> get(const std::string& user_id, const std::string& room_id,
                                 const std::string& type) override;
  std::map<std::string, std::string> getForUsers(const std::vector<std::string>& user_ids,
                                                 const std::string& room_id,
                                                 const std::string& type) override;
  void put(const std::string& user_id, const std::string& room_id, const std::string& type,
           const std::string& content, int64_t stream_pos) override;
  void modify(const std::string& user_id, const std::string& room_id, const std::string& type,
              const Change& change, int64_t stream_pos) override;
  std::vector<account_data::AccountDataEvent> changedSince(const std::string& user_id,
                                                           int64_t from_exclusive,
                                                           int64_t to_inclusive) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
