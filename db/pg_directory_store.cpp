#include "db/pg_directory_store.h"

#include <algorithm>
#include <cctype>
#include <map>
#include <pqxx/pqxx>

#include "db/pg_util.h"
#include "homeserver/core/json.h"

namespace hs::db {

namespace {
// Published rooms, biggest first; their fields come from kDirectoryState.
constexpr const char* kPublished =
    "SELECT r.room_id, (SELECT count(*) FROM room_members m WHERE m.room_id = r.room_id "
    "AND m.membership = 'join') AS joined FROM rooms r WHERE r.is_public "
    "ORDER BY joined DESC, r.room_id";
// The state events a directory entry quotes, as stored client JSON. Their fields are read in
// C++ (json::rawMember): PostgreSQL's json operators fail on a \u0000 anywhere in an event
// and on events nested deeper than its stack allows, and one such name failed every listing.
constexpr const char* kDirectoryState =
    "SELECT s.room_id, k.type, e.client_json FROM room_state s "
    "JOIN state_keys k ON k.key_nid = s.key_nid JOIN events e ON e.event_nid = s.event_nid "
    "WHERE s.room_id = ANY($1::text[]) AND k.state_key = '' AND k.type IN ('m.room.name', "
    "'m.room.topic', 'm.room.canonical_alias', 'm.room.avatar', 'm.room.join_rules', "
    "'m.room.history_visibility', 'm.room.guest_access', 'm.room.create')";
constexpr const char* kCount = "SELECT count(*) FROM rooms WHERE is_public";
constexpr const char* kPublish = "UPDATE rooms SET is_public = $2 WHERE room_id = $1";
// Who a searcher finds (Synapse's rule): users sharing a joined room with them, and users
// joined to a public room, one whose current join rule is public or whose history is
// world-readable (publication in the room directory does not count). A room that stops being
// public stops exposing its members at once: the rule reads the current state.
constexpr const char* kSearchUsers =
    "SELECT u.user_id, u.displayname, u.avatar_url FROM users u "
    "WHERE NOT u.is_deactivated AND (u.user_id ILIKE $2 OR u.displayname ILIKE $2) AND ("
    "  EXISTS (SELECT 1 FROM room_members a JOIN room_members b ON a.room_id = b.room_id "
    "    WHERE a.user_id = $1 AND a.membership = 'join' AND b.user_id = u.user_id AND b.membership = 'join')"
    "  OR EXISTS (SELECT 1 FROM room_members m JOIN room_state s ON s.room_id = m.room_id "
    "    JOIN state_keys k ON k.key_nid = s.key_nid JOIN events e ON e.event_nid = s.event_nid "
    "    WHERE m.user_id = u.user_id AND m.membership = 'join' AND k.state_key = '' AND ("
    "      (k.type = 'm.room.join_rules' AND e.client_json::jsonb #>> '{content,join_rule}' = 'public') OR "
    "      (k.type = 'm.room.history_visibility' "
    "       AND e.client_json::jsonb #>> '{content,history_visibility}' = 'world_readable')))) "
    "ORDER BY u.user_id LIMIT $3";

// content[field] of a stored client event when it is a string, read without parsing the
// whole event.
std::optional<std::string> contentString(const std::string& client_json, std::string_view field) {
  const auto content = json::rawMember(client_json, "content");
  const auto value = content ? json::rawMember(*content, field) : std::nullopt;
  const auto doc = value ? json::tryParse(*value) : std::nullopt;
  if (!doc || !doc->IsString()) {
    return std::nullopt;
  }
  return std::string(doc->GetString(), doc->GetStringLength());
}

void applyState(directory::PublicRoom& p, const std::string& type, const std::string& json) {
  if (type == "m.room.name") {
    p.name = contentString(json, "name");
  } else if (type == "m.room.topic") {
    p.topic = contentString(json, "topic");
  } else if (type == "m.room.canonical_alias") {
    p.canonical_alias = contentString(json, "alias");
  } else if (type == "m.room.avatar") {
    p.avatar_url = contentString(json, "url");
  } else if (type == "m.room.join_rules") {
    p.join_rule = contentString(json, "join_rule");
  } else if (type == "m.room.history_visibility") {
    p.world_readable = contentString(json, "history_visibility").value_or("") == "world_readable";
  } else if (type == "m.room.guest_access") {
    p.guest_can_join = contentString(json, "guest_access").value_or("") == "can_join";
  } else if (type == "m.room.create") {
    p.room_type = contentString(json, "type");
  }
}

std::string asciiLower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return s;
}

// Case-insensitive (ASCII) containment in the name, topic or alias.
bool matches(const directory::PublicRoom& p, const std::string& lower_term) {
  for (const auto* field : {&p.name, &p.topic, &p.canonical_alias}) {
    if (*field && asciiLower(**field).find(lower_term) != std::string::npos) {
      return true;
    }
  }
  return false;
}

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

// Without a term the database pages; with one, every published room is read and filtered
// here (a server publishes rooms by the dozen or hundred, not by the million).
std::vector<directory::PublicRoom> PgDirectoryStore::publicRooms(const std::string& term,
                                                                 int64_t offset, int64_t limit) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const std::string page_sql = std::string(kPublished) + " OFFSET $1 LIMIT $2";
  const pqxx::result rooms = term.empty() ? tx.exec_params(page_sql, offset, limit) : tx.exec(kPublished);
  std::vector<directory::PublicRoom> out;
  std::map<std::string, size_t> index;
  std::vector<std::string> ids;
  for (const auto& r : rooms) {
    directory::PublicRoom p;
    p.room_id = r[0].as<std::string>();
    p.num_joined_members = r[1].as<int64_t>();
    index[p.room_id] = out.size();
    ids.push_back(p.room_id);
    out.push_back(std::move(p));
  }
  if (ids.empty()) {
    return out;
  }
  for (const auto& r : tx.exec_params(kDirectoryState, textArray(tx, ids))) {
    applyState(out[index.at(r[0].as<std::string>())], r[1].as<std::string>(), r[2].as<std::string>());
  }
  if (term.empty()) {
    return out;
  }
  const std::string lower_term = asciiLower(term);
  std::erase_if(out, [&](const directory::PublicRoom& p) { return !matches(p, lower_term); });
  const auto from = std::min<size_t>(out.size(), static_cast<size_t>(std::max<int64_t>(0, offset)));
  const auto to = std::min<size_t>(out.size(), from + static_cast<size_t>(std::max<int64_t>(0, limit)));
  return {std::make_move_iterator(out.begin() + from), std::make_move_iterator(out.begin() + to)};
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
