#pragma once
// What a RoomWriter's opaque TransactionHandle is in this store: its pqxx transaction. Writes
// that must commit with a room's events (the federation outbox) take it from here.
#include <pqxx/pqxx>

#include "homeserver/services/rooms/room_store.h"

namespace hs::db {

class PgTransactionHandle final : public rooms::TransactionHandle {
 public:
  explicit PgTransactionHandle(pqxx::work& tx) : tx_(tx) {}
  pqxx::work& tx() { return tx_; }

 private:
  pqxx::work& tx_;
};

// The pqxx transaction behind a handle a PgRoomStore writer gave out.
inline pqxx::work& pgTransaction(rooms::TransactionHandle& handle) {
  return static_cast<PgTransactionHandle&>(handle).tx();
}

}  // namespace hs::db
