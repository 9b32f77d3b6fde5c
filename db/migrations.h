#pragma once
// Numbered SQL migrations (db/migrations/NNNN_name.sql), compiled into the binary.
#include <string>
#include <vector>

namespace hs::db {

struct Migration {
  std::string name;  // file name without .sql, e.g. "0001_accounts"
  std::string sql;
};

const std::vector<Migration>& embeddedMigrations();

class Pool;
// Applies every migration not yet recorded in schema_migrations, each in its own
// transaction, under an advisory lock so two starting processes don't race. Returns the
// names applied. A failing migration is rolled back and throws with its name and the error.
std::vector<std::string> applyMigrations(Pool& pool, const std::vector<Migration>& migrations);

}  // namespace hs::db
