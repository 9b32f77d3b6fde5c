#pragma once
// PostgreSQL implementation of the social stores (tables blocked_users and friend_requests).
#include "db/pool.h"
#include "homeserver/services/social/social_store.h"

namespace hs::db {

class PgBlockStore final : public social::BlockStore {
 public:
  explicit PgBlockStore(Pool& pool) : pool_(pool) {}
  bool addBlock(const std::string& user, const std::string& target, int64_t now) override;
  bool removeBlock(const std::string& user, const std::string& target) override;
  std::vector<social::Block> blocks(const std::string& user) override;
  bool isBlocked(const std::string& user, const std::string& target) override;
  std::vector<std::string> blockers(const std::string& target) override;

 private:
  Pool& pool_;
};

class PgFriendStore final : public social::FriendStore {
 public:
  explicit PgFriendStore(Pool& pool) : pool_(pool) {}
  std::optional<social::FriendRequest> insertRequest(const social::FriendRequest& r) override;
  std::optional<social::FriendRequest> request(const std::string& request_id) override;
  bool transition(const std::string& request_id, const std::string& from, const std::string& to,
                  int64_t now) override;
  void setRoom(const std::string& request_id, const std::string& room_id) override;
  bool deletePending(const std::string& request_id) override;
  std::vector<social::FriendRequest> requests(const std::string& user, social::Direction direction,
                                              const std::optional<std::string>& status) override;
  std::vector<social::Friend> friends(const std::string& user) override;
  bool removeFriend(const std::string& user, const std::string& other) override;
  int blockBetween(const std::string& a, const std::string& b, int64_t now) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
