#pragma once
// What the social services need from storage: blocks and friend requests.
// db/pg_social_store implements both.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hs::social {

struct Block {
  std::string user_id;  // the blocked user
  int64_t blocked_at = 0;
};

class BlockStore {
 public:
  virtual ~BlockStore() = default;
  // False when `user` had already blocked `target`.
  virtual bool addBlock(const std::string& user, const std::string& target, int64_t now) = 0;
  // False when there was no such block.
  virtual bool removeBlock(const std::string& user, const std::string& target) = 0;
  virtual std::vector<Block> blocks(const std::string& user) = 0;  // oldest first
  virtual bool isBlocked(const std::string& user, const std::string& target) = 0;
  // Everyone who blocked `target`.
  virtual std::vector<std::string> blockers(const std::string& target) = 0;
};

inline constexpr const char* kPending = "pending";
inline constexpr const char* kAccepted = "accepted";
inline constexpr const char* kRejected = "rejected";
inline constexpr const char* kBlocked = "blocked";

struct FriendRequest {
  std::string request_id;
  std::string requester;
  std::string addressee;
  std::string status;
  std::optional<std::string> message;
  std::optional<std::string> room_id;
  int64_t created_at = 0;
  int64_t updated_at = 0;
};

struct Friend {
  std::string user_id;
  std::optional<std::string> displayname;
  std::optional<std::string> avatar_url;
  int64_t since = 0;
  std::optional<std::string> room_id;
};

enum class Direction { Incoming, Outgoing, Both };

class FriendStore {
 public:
  virtual ~FriendStore() = default;
  // Inserts a pending request unless the pair already has an open (pending or accepted) one,
  // which is returned instead; nullopt means inserted.
  virtual std::optional<FriendRequest> insertRequest(const FriendRequest& r) = 0;
  virtual std::optional<FriendRequest> request(const std::string& request_id) = 0;
  // Moves a request from `from` to `to` (and stamps updated_at); false when it was not in
  // `from` any more (a concurrent answer won).
  virtual bool transition(const std::string& request_id, const std::string& from,
                          const std::string& to, int64_t now) = 0;
  virtual void setRoom(const std::string& request_id, const std::string& room_id) = 0;
  // Deletes a pending request; false when it was not pending.
  virtual bool deletePending(const std::string& request_id) = 0;
  virtual std::vector<FriendRequest> requests(const std::string& user, Direction direction,
                                              const std::optional<std::string>& status) = 0;
  virtual std::vector<Friend> friends(const std::string& user) = 0;
  // Ends an accepted friendship; false when the two were not friends.
  virtual bool removeFriend(const std::string& user, const std::string& other) = 0;
  // Every pending or accepted relation between the two becomes blocked; returns how many.
  virtual int blockBetween(const std::string& a, const std::string& b, int64_t now) = 0;
};

}  // namespace hs::social
