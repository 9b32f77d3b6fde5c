#include "db/pg_directory_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"

namespace hs::db {

namespace {
// A field of the room's current state event of `type`, from its stored PDU.
std::string stateField(const char* type, const char* field) {
  return std::string("(SELECT (e.pdu_json::json -> 'content' ->> '") + field +
         "') FROM room_state s JOIN state_keys k ON k.key_nid = s.key_nid "
         "JOIN events e ON e.event_nid = s.event_nid WHERE s.room_id = r.room_id AND k.type = '" +
         type + "' AND k.state_key = '')";
}

const std::string kPublicRooms =
    "SELECT * FROM (SELECT r.room_id, "
    "(SELECT count(*) FROM room_members m WHERE m.room_id = r.room_id AND m.membership = 'join') AS joined, " +
    stateField("m.room.name", "name") + " AS name, " + stateField("m.room.topic", "topic") + " AS topic, " +
    stateField("m.room.canonical_alias", "alias") + " AS alias, " +
    stateField("m.room.avatar", "url") + " AS avatar, " + stateField("m.room.join_rules", "join_rule") +
    " AS join_rule, " + stateField("m.room.history_visibility", "history_visibility") + " AS hv, " +
    stateField("m.room.guest_access", "guest_access") + " AS ga, " + stateField("m.room.create", "type") +
    " AS room_type FROM rooms r WHERE r.is_public) x "
    "WHERE $1 = '' OR x.name ILIKE $1 OR x.topic ILIKE $1 OR x.alias ILIKE $1 "
    "ORDER BY x.joined DESC, x.room_id OFFSET $2 LIMIT $3";
constexpr const char* kCount = "SELECT count(*) FROM rooms WHERE is_public";
constexpr const char* kPublish = "UPDATE rooms SET is_public = $2 WHERE room_id = $1";
constexpr const char* kSearchUsers =
    "SELECT u.user_id, u.displayname, u.avatar_url FROM users u "
    "WHERE NOT u.is_deactivated AND (u.user_id ILIKE $2 OR u.displayname ILIKE $2) AND ("
    "  EXISTS (SELECT 1 FROM room_members a JOIN room_members b ON a.room_id = b.room_id "
    "    WHERE a.user_id = $1 AND a.membership = 'join' AND b.user_id = u.user_id AND b.membership = 'join')"
    "  OR EXISTS (SELECT 1 FROM room_members m JOIN rooms r ON r.room_id = m.room_id "
    "    WHERE m.user_id = u.user_id AND m.membership = 'join' AND r.is_public)) "
    "ORDER BY u.user_id LIMIT $3";

// A LIKE pattern matching `term` anywhere, with LIKE's own wildcards escaped.
std::string containsPattern(const std::string& term) {
  if (term.empty()) {
    return "";
  }
  std::string out = "%";
  for (char c : term) {
    if (c == '%' || c == '_' || c == '\\') {
      out += '\\';
    }
    out += c;
  }
  return out + "%";
}
}  // namespace

std::vector<directory::PublicRoom> PgDirectoryStore::publicRooms(const std::string& term,
                                                                 int64_t offset, int64_t limit) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<directory::PublicRoom> out;
  for (const auto& r : tx.exec_params(kPublicRooms, containsPattern(term), offset, limit)) {
    directory::PublicRoom p;
    p.room_id = r[0].as<std::string>();
    p.num_joined_members = r[1].as<int64_t>();
    p.name = optStr(r[2]);
    p.topic = optStr(r[3]);
    p.canonical_alias = optStr(r[4]);
    p.avatar_url = optStr(r[5]);
    p.join_rule = optStr(r[6]);
    p.world_readable = optStr(r[7]).value_or("") == "world_readable";
    p.guest_can_join = optStr(r[8]).value_or("") == "can_join";
    p.room_type = optStr(r[9]);
    out.push_back(std::move(p));
  }
  return out;
}

int64_t PgDirectoryStore::publicRoomCount() {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return tx.exec(kCount)[0][0].as<int64_t>();
}

bool PgDirectoryStore::setPublished(const std::string& room_id, bool published) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kPublish, room_id, published);
  tx.commit();
  return r.affected_rows() == 1;
}

std::vector<directory::UserResult> PgDirectoryStore::searchUsers(const std::string& searcher,
                                                                 const std::string& term, int64_t limit) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<directory::UserResult> out;
  for (const auto& r : tx.exec_params(kSearchUsers, searcher, containsPattern(term), limit)) {
    out.push_back({r[0].as<std::string>(), optStr(r[1]), optStr(r[2])});
  }
  return out;
}

}  // namespace hs::db
