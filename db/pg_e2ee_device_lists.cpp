// PgE2eeKeyStore: the device-list stream, and who shares rooms with whom (read from
// room_members, the rooms store's membership table).
#include <pqxx/pqxx>

#include "db/pg_util.h"

#include "db/pg_e2ee_key_store.h"
#include "db/pg_e2ee_rows.h"

namespace hs::db {

namespace {
constexpr const char* kDeleteDeviceSignatures =
    "DELETE FROM e2e_signatures WHERE target_user = $1 AND target_key = $2";
// In each query, a is the user's own membership and b another member's in the same room.
constexpr const char* kSharing =
    "SELECT DISTINCT b.user_id FROM room_members a JOIN room_members b ON b.room_id = a.room_id "
    "WHERE a.user_id = $1 AND a.membership = 'join' AND b.membership = 'join'";
// Device lists changed in range (the user's own, or of someone sharing a joined room now),
// plus everyone in a room the user joined in range, plus whoever joined one of the user's
// rooms in range.
constexpr const char* kLatestChange = "SELECT max(stream_pos) FROM device_list_changes WHERE user_id = $1";
constexpr const char* kChanged =
    "SELECT c.user_id FROM device_list_changes c WHERE c.stream_pos > $2 AND c.stream_pos <= $3 "
    "AND (c.user_id = $1 OR EXISTS (SELECT 1 FROM room_members x JOIN room_members y "
    "  ON y.room_id = x.room_id WHERE x.user_id = $1 AND x.membership = 'join' "
    "  AND y.user_id = c.user_id AND y.membership = 'join')) "
    "UNION "
    "SELECT b.user_id FROM room_members a JOIN room_members b ON b.room_id = a.room_id "
    "WHERE a.user_id = $1 AND a.membership = 'join' AND a.stream_pos > $2 AND a.stream_pos <= $3 "
    "AND b.user_id <> $1 AND b.membership = 'join' "
    "UNION "
    "SELECT b.user_id FROM room_members b WHERE b.stream_pos > $2 AND b.stream_pos <= $3 "
    "AND b.membership = 'join' AND b.user_id <> $1 AND EXISTS (SELECT 1 FROM room_members a "
    "  WHERE a.room_id = b.room_id AND a.user_id = $1 AND a.membership = 'join') "
    "ORDER BY 1";
// Whoever left (or was banned from) one of the user's rooms in range, plus the members of rooms
// the user left in range, when they share no joined room with the user any more.
constexpr const char* kLeft =
    "SELECT u.user_id FROM ("
    "  SELECT b.user_id FROM room_members b WHERE b.stream_pos > $2 AND b.stream_pos <= $3 "
    "  AND b.membership IN ('leave', 'ban') AND EXISTS (SELECT 1 FROM room_members a "
    "    WHERE a.room_id = b.room_id AND a.user_id = $1 AND a.membership = 'join') "
    "  UNION "
    "  SELECT b.user_id FROM room_members a JOIN room_members b ON b.room_id = a.room_id "
    "  WHERE a.user_id = $1 AND a.membership IN ('leave', 'ban') "
    "  AND a.stream_pos > $2 AND a.stream_pos <= $3 AND (b.membership = 'join' "
    "  OR (b.membership IN ('leave', 'ban') AND b.stream_pos > $2 AND b.stream_pos <= $3))"
    ") u WHERE u.user_id <> $1 "
    "AND NOT EXISTS (SELECT 1 FROM room_members x JOIN room_members y ON y.room_id = x.room_id "
    "  WHERE x.user_id = $1 AND x.membership = 'join' AND y.user_id = u.user_id "
    "  AND y.membership = 'join') ORDER BY 1";

std::vector<std::string> column(const pqxx::result& r) {
  std::vector<std::string> out;
  out.reserve(r.size());
  for (const auto& row : r) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}
}  // namespace

void PgE2eeKeyStore::recordChanges(const std::vector<e2ee::DeviceListChange>& changes) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  for (const auto& c : changes) {
    if (c.deleted && c.device_id) {
      tx.exec_params(kDeleteDeviceSignatures, c.user_id, *c.device_id);
    }
  }
  insertChanges(tx, changes);
  tx.commit();
}

std::optional<int64_t> PgE2eeKeyStore::latestChange(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return optI64(tx.exec_params(kLatestChange, user_id)[0][0]);
}

std::vector<std::string> PgE2eeKeyStore::changedUsers(const std::string& user_id, int64_t from_excl,
                                                      int64_t to_incl) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return column(tx.exec_params(kChanged, user_id, from_excl, to_incl));
}

std::vector<std::string> PgE2eeKeyStore::leftUsers(const std::string& user_id, int64_t from_excl,
                                                   int64_t to_incl) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return column(tx.exec_params(kLeft, user_id, from_excl, to_incl));
}

std::vector<std::string> PgE2eeKeyStore::usersSharingRoom(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return column(tx.exec_params(kSharing, user_id));
}

}  // namespace hs::db
