#pragma once
// Shared by the PgE2eeKeyStore files: writing device-list changes inside a transaction.
#include <pqxx/pqxx>
#include <vector>

#include "db/pg_outbox.h"
#include "homeserver/services/e2ee/key_store.h"

namespace hs::db {

inline void insertChanges(pqxx::work& tx, const std::vector<e2ee::DeviceListChange>& changes) {
  static constexpr const char* kInsertChange =
      "INSERT INTO device_list_changes (stream_pos, user_id, device_id, deleted) VALUES ($1, $2, $3, $4)";
  for (const auto& c : changes) {
    tx.exec_params(kInsertChange, c.stream_pos, c.user_id, c.device_id, c.deleted);
    enqueueEdus(tx, c.edus);  // other servers hear of the change in the same transaction
  }
}

}  // namespace hs::db
