#pragma once
// PostgreSQL implementation of the filter service's store (table user_filters).
#include "db/pool.h"
#include "homeserver/services/filters/filter_store.h"

namespace hs::db {

class PgFilterStore final : public filters::FilterStore {
 public:
  explicit PgFilterStore(Pool& pool) : pool_(pool) {}

  int64_t insert(const std::string& user_id, const std::string& filter_json) override;
  std::optional<std::string> find(const std::string& user_id, int64_t filter_id) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
