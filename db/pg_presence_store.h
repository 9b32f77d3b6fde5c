#pragma once
// PostgreSQL implementation of the presence service's store (table presence).
#include "db/pool.h"
#include "homeserver/services/presence/presence_store.h"

namespace hs::db {

class PgPresenceStore final : public presence::PresenceStore {
 public:
  explicit PgPresenceStore(Pool& pool) : pool_(pool) {}

  std::optional<presence::PresenceRecord> get(const std::string& user_id) override;
  void put(const presence::PresenceRecord& record, const std::vector<outbound::Edu>& edus) override;
  std::vector<presence::PresenceRecord> changedSince(int64_t from_exclusive,
                                                     int64_t to_inclusive) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
