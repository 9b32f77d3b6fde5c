#include "db/prepared.h"

#include <stdexcept>
#include <string_view>

namespace hs::db {

namespace {
std::vector<Prepared>& registry() {
  static std::vector<Prepared> all;  // filled before main, read-only afterwards
  return all;
}
}  // namespace

Prepared prepared(const char* name, const char* sql) {
  for (const auto& p : registry()) {
    if (std::string_view(p.name) == name) {
      throw std::logic_error(std::string("prepared statement registered twice: ") + name);
    }
  }
  registry().push_back(Prepared{name, sql});
  return registry().back();
}

const std::vector<Prepared>& preparedStatements() { return registry(); }

}  // namespace hs::db
