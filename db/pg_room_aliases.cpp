// Room aliases of the room store.
#include <pqxx/pqxx>

#include "db/pg_util.h"

#include "db/pg_room_store.h"

namespace hs::db {

namespace {
constexpr const char* kInsert =
    "INSERT INTO room_aliases (alias, room_id, creator) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING";
constexpr const char* kRoom = "SELECT room_id FROM room_aliases WHERE alias = $1";
constexpr const char* kCreator = "SELECT creator FROM room_aliases WHERE alias = $1";
constexpr const char* kDelete = "DELETE FROM room_aliases WHERE alias = $1";
constexpr const char* kMove = "UPDATE room_aliases SET room_id = $2 WHERE room_id = $1";
constexpr const char* kOfRoom = "SELECT alias FROM room_aliases WHERE room_id = $1 ORDER BY alias";

std::optional<std::string> single(Pool& pool, const char* sql, const std::string& param) {
  auto lease = pool.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(sql, param);
  return r.empty() ? std::nullopt : std::optional(r[0][0].as<std::string>());
}
}  // namespace

bool PgRoomStore::insertAlias(const std::string& alias, const std::string& room_id,
                              const std::string& creator) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kInsert, alias, room_id, creator);
  tx.commit();
  return r.affected_rows() == 1;
}

std::optional<std::string> PgRoomStore::aliasRoom(const std::string& alias) {
  return single(pool_, kRoom, alias);
}

std::optional<std::string> PgRoomStore::aliasCreator(const std::string& alias) {
  return single(pool_, kCreator, alias);
}

void PgRoomStore::deleteAlias(const std::string& alias) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kDelete, alias);
  tx.commit();
}

void PgRoomStore::moveAliases(const std::string& from_room, const std::string& to_room) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kMove, from_room, to_room);
  tx.commit();
}

std::vector<std::string> PgRoomStore::roomAliases(const std::string& room_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<std::string> out;
  for (const auto& row : tx.exec_params(kOfRoom, room_id)) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

}  // namespace hs::db
