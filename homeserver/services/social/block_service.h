#pragma once
// The block list (seed BLOCKED_USER). The same list is the user's m.ignored_user_list account
// data: every change here rewrites that event (so /sync carries it), and a client's write of
// the event is reconciled into the list (applyIgnoredList). Blocking someone turns any
// pending or accepted friend relation between the two into "blocked"; enforcement elsewhere
// (invites, friend requests, sync, messages, notifications) asks isBlocked / blockedBy.
#include <set>
#include <string>
#include <vector>

#include "homeserver/core/clock.h"
#include "homeserver/core/ids.h"
#include "homeserver/services/account_data/account_data_service.h"
#include "homeserver/services/accounts/account_store.h"
#include "homeserver/services/social/social_store.h"

namespace hs::social {

class BlockService {
 public:
  BlockService(BlockStore& blocks, FriendStore& friends, accounts::AccountStore& accounts,
               account_data::AccountDataService& account_data, std::string server_name,
               const core::Clock& clock)
      : blocks_(blocks), friends_(friends), accounts_(accounts), account_data_(account_data),
        server_name_(std::move(server_name)), clock_(clock) {}

  // PUT .../blocks/{userId}: idempotent. M_INVALID_PARAM for yourself, M_NOT_FOUND for an
  // unknown user of this server.
  void block(const core::UserId& user, const core::UserId& target);
  // DELETE .../blocks/{userId}: M_NOT_FOUND when not blocked.
  void unblock(const core::UserId& user, const core::UserId& target);
  std::vector<Block> list(const core::UserId& user);

  // Whether `user` blocked `target`.
  bool isBlocked(const std::string& user, const std::string& target);
  // Everyone `user` blocked.
  std::set<std::string> blockedBy(const std::string& user);
  // Everyone who blocked `target` (one read for all recipients of an event).
  std::set<std::string> blockersOf(const std::string& target);

  // A client wrote m.ignored_user_list: the block list becomes the users in it (with the same
  // side effects as block/unblock) and the normalized content to store is returned.
  std::string applyIgnoredList(const std::string& user, const std::string& content_json);

 private:
  // Adds the row and its side effects; false when it existed already.
  bool addBlock(const std::string& user, const std::string& target);
  void publish(const std::string& user);  // rewrites m.ignored_user_list from the list

  BlockStore& blocks_;
  FriendStore& friends_;
  accounts::AccountStore& accounts_;
  account_data::AccountDataService& account_data_;
  std::string server_name_;
  const core::Clock& clock_;
};

}  // namespace hs::social
