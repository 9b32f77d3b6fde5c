#include "db/pg_streams.h"

#include <algorithm>
#include <pqxx/pqxx>

#include "db/pg_util.h"

namespace hs::db {

namespace {
constexpr const char* kStreamTables =
    "SELECT table_name FROM information_schema.columns "
    "WHERE table_schema = current_schema() AND column_name = 'stream_pos'";
}

int64_t maxPersistedStreamPosition(Pool& pool) {
  auto lease = pool.acquire();
  ReadTx tx(lease.get());
  int64_t max = 0;
  for (const auto& row : tx.exec(kStreamTables)) {
    const std::string table = tx.quote_name(row[0].as<std::string>());
    const auto r = tx.exec("SELECT COALESCE(max(stream_pos), 0) FROM " + table);
    max = std::max(max, r[0][0].as<int64_t>());
  }
  return max;
}

}  // namespace hs::db
