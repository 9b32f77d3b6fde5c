#pragma once
// PostgreSQL full-text search over room events (migration 0040's expression indexes).
#include "db/pool.h"
#include "homeserver/services/search/search_store.h"

namespace hs::db {

class PgSearchStore final : public search::SearchStore {
 public:
  explicit PgSearchStore(Pool& pool) : pool_(pool) {}
  std::vector<search::SearchHit> search(const search::TextQuery& q, const search::PageQuery& page) override;
  int64_t count(const search::TextQuery& q) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
