#include "db/pg_social_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"
#include "db/prepared.h"

namespace hs::db {

using social::FriendRequest;

namespace {
constexpr const char* kAddBlock =
    "INSERT INTO blocked_users (user_id, blocked_user_id, blocked_at) VALUES ($1, $2, $3) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kRemoveBlock =
    "DELETE FROM blocked_users WHERE user_id = $1 AND blocked_user_id = $2";
constexpr const char* kBlocks =
    "SELECT blocked_user_id, blocked_at FROM blocked_users WHERE user_id = $1 "
    "ORDER BY blocked_at, blocked_user_id";
const Prepared kBlockers =  // once per sent event
    prepared("blockers", "SELECT user_id FROM blocked_users WHERE blocked_user_id = $1");
constexpr const char* kIsBlocked =
    "SELECT 1 FROM blocked_users WHERE user_id = $1 AND blocked_user_id = $2";

constexpr const char* kRequestColumns =
    "request_id, requester, addressee, status, message, room_id, created_at, updated_at";
// The pair's open relation blocks the insert (partial unique index friend_requests_open_pair).
const std::string kInsertRequest = std::string(
    "INSERT INTO friend_requests (") + kRequestColumns + ") "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT DO NOTHING";
const std::string kOpenBetween = std::string("SELECT ") + kRequestColumns +
    " FROM friend_requests WHERE status IN ('pending', 'accepted') AND "
    "((requester = $1 AND addressee = $2) OR (requester = $2 AND addressee = $1))";
const std::string kRequest =
    std::string("SELECT ") + kRequestColumns + " FROM friend_requests WHERE request_id = $1";
constexpr const char* kTransition =
    "UPDATE friend_requests SET status = $3, updated_at = $4 WHERE request_id = $1 AND status = $2";
constexpr const char* kSetRoom = "UPDATE friend_requests SET room_id = $2 WHERE request_id = $1";
constexpr const char* kDeletePending =
    "DELETE FROM friend_requests WHERE request_id = $1 AND status = 'pending'";
// $2: 'incoming', 'outgoing' or 'both'; $3: a status or NULL for all.
const std::string kRequests = std::string("SELECT ") + kRequestColumns +
    " FROM friend_requests WHERE ((addressee = $1 AND $2 <> 'outgoing') OR "
    "(requester = $1 AND $2 <> 'incoming')) AND ($3::text IS NULL OR status = $3) "
    "ORDER BY created_at DESC, request_id";
constexpr const char* kFriends =
    "SELECT CASE WHEN f.requester = $1 THEN f.addressee ELSE f.requester END AS other, "
    "u.displayname, u.avatar_url, f.updated_at, f.room_id FROM friend_requests f "
    "LEFT JOIN users u ON u.user_id = CASE WHEN f.requester = $1 THEN f.addressee ELSE f.requester END "
    "WHERE f.status = 'accepted' AND (f.requester = $1 OR f.addressee = $1) ORDER BY other";
constexpr const char* kRemoveFriend =
    "DELETE FROM friend_requests WHERE status = 'accepted' AND "
    "((requester = $1 AND addressee = $2) OR (requester = $2 AND addressee = $1))";
constexpr const char* kBlockBetween =
    "UPDATE friend_requests SET status = 'blocked', updated_at = $3 "
    "WHERE status IN ('pending', 'accepted') AND "
    "((requester = $1 AND addressee = $2) OR (requester = $2 AND addressee = $1))";

FriendRequest requestFromRow(const pqxx::row& r) {
  return FriendRequest{r[0].as<std::string>(), r[1].as<std::string>(), r[2].as<std::string>(),
                       r[3].as<std::string>(), optStr(r[4]), optStr(r[5]),
                       r[6].as<int64_t>(), r[7].as<int64_t>()};
}

const char* directionName(social::Direction d) {
  switch (d) {
    case social::Direction::Incoming: return "incoming";
    case social::Direction::Outgoing: return "outgoing";
    case social::Direction::Both: return "both";
  }
  return "both";
}
}  // namespace

bool PgBlockStore::addBlock(const std::string& user, const std::string& target, int64_t now) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kAddBlock, user, target, now);
  tx.commit();
  return r.affected_rows() == 1;
}

bool PgBlockStore::removeBlock(const std::string& user, const std::string& target) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kRemoveBlock, user, target);
  tx.commit();
  return r.affected_rows() == 1;
}

std::vector<social::Block> PgBlockStore::blocks(const std::string& user) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<social::Block> out;
  for (const auto& row : tx.exec_params(kBlocks, user)) {
    out.push_back({row[0].as<std::string>(), row[1].as<int64_t>()});
  }
  return out;
}

bool PgBlockStore::isBlocked(const std::string& user, const std::string& target) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return !tx.exec_params(kIsBlocked, user, target).empty();
}

std::vector<std::string> PgBlockStore::blockers(const std::string& target) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<std::string> out;
  for (const auto& row : tx.exec_prepared(kBlockers.name, target)) {
    out.push_back(row[0].as<std::string>());
  }
  return out;
}

std::optional<FriendRequest> PgFriendStore::insertRequest(const FriendRequest& r) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto inserted = tx.exec_params(kInsertRequest, r.request_id, r.requester, r.addressee,
                                       r.status, r.message, r.room_id, r.created_at, r.updated_at);
  if (inserted.affected_rows() == 1) {
    tx.commit();
    return std::nullopt;
  }
  const auto open = tx.exec_params(kOpenBetween, r.requester, r.addressee);
  tx.commit();
  // Empty only if the open relation closed in between: report it as a duplicate anyway.
  return open.empty() ? r : requestFromRow(open[0]);
}

std::optional<FriendRequest> PgFriendStore::request(const std::string& request_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kRequest, request_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return requestFromRow(r[0]);
}

bool PgFriendStore::transition(const std::string& request_id, const std::string& from,
                               const std::string& to, int64_t now) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kTransition, request_id, from, to, now);
  tx.commit();
  return r.affected_rows() == 1;
}

void PgFriendStore::setRoom(const std::string& request_id, const std::string& room_id) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kSetRoom, request_id, room_id);
  tx.commit();
}

bool PgFriendStore::deletePending(const std::string& request_id) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kDeletePending, request_id);
  tx.commit();
  return r.affected_rows() == 1;
}

std::vector<FriendRequest> PgFriendStore::requests(const std::string& user, social::Direction direction,
                                                   const std::optional<std::string>& status) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<FriendRequest> out;
  for (const auto& row : tx.exec_params(kRequests, user, std::string(directionName(direction)), status)) {
    out.push_back(requestFromRow(row));
  }
  return out;
}

std::vector<social::Friend> PgFriendStore::friends(const std::string& user) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<social::Friend> out;
  for (const auto& row : tx.exec_params(kFriends, user)) {
    out.push_back({row[0].as<std::string>(), optStr(row[1]), optStr(row[2]), row[3].as<int64_t>(),
                   optStr(row[4])});
  }
  return out;
}

bool PgFriendStore::removeFriend(const std::string& user, const std::string& other) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kRemoveFriend, user, other);
  tx.commit();
  return r.affected_rows() >= 1;
}

int PgFriendStore::blockBetween(const std::string& a, const std::string& b, int64_t now) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kBlockBetween, a, b, now);
  tx.commit();
  return static_cast<int>(r.affected_rows());
}

}  // namespace hs::db
