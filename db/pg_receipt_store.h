#pragma once
#include "db/pool.h"
#include "homeserver/services/ephemeral/receipt_store.h"

namespace hs::db {

class PgReceiptStore final : public ephemeral::ReceiptStore {
 public:
  explicit PgReceiptStore(Pool& pool) : pool_(pool) {}
  void put(const ephemeral::Receipt& r, const std::vector<outbound::Edu>& edus) override;
  std::vector<ephemeral::Receipt> between(const std::vector<std::string>& room_ids, int64_t from_excl,
                                          int64_t to_incl) override;
  std::vector<std::pair<std::string, int64_t>> unreadCounts(
      const std::string& user_id, const std::vector<std::pair<std::string, int64_t>>& rooms_since) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
