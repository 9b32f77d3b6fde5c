#pragma once
// Statements every pooled connection prepares (lazily, on its first use of each): the hot
// path of a send runs them thousands of times a second, and a prepared statement skips
// PostgreSQL's parse and plan, most of the server-side cost of a small statement.
//   const Prepared kLockRoom = prepared("room_lock", "SELECT ...");
//   tx.exec_prepared(kLockRoom.name, room_id);
#include <vector>

namespace hs::db {

struct Prepared {
  const char* name;
  const char* sql;
};

// Registers a statement (at static initialization) and returns it. Names must be unique.
Prepared prepared(const char* name, const char* sql);
const std::vector<Prepared>& preparedStatements();

}  // namespace hs::db
