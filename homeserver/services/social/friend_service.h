#pragma once
// Friend requests (seed FRIEND: pending / accepted / rejected / blocked). Requests carry full
// user ids and an id unique across servers, ready for federation; until then a request to a
// user of another server is refused. Accepting opens (or reuses) a direct conversation.
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/clock.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/random.h"
#include "homeserver/services/account_data/account_data_service.h"
#include "homeserver/services/accounts/account_store.h"
#include "homeserver/services/notifications/notification_service.h"
#include "homeserver/services/rooms/room_service.h"
#include "homeserver/services/social/block_service.h"
#include "homeserver/services/social/social_store.h"

namespace hs::social {

struct FriendServiceDeps {
  FriendStore& store;
  BlockService& blocks;
  accounts::AccountStore& accounts;
  rooms::RoomService& rooms;
  account_data::AccountDataService& account_data;
  notifications::NotificationService& notifications;
  const core::Clock& clock;
  core::Random& random;
};

class FriendService {
 public:
  FriendService(FriendServiceDeps deps, std::string server_name)
      : d_(deps), server_name_(std::move(server_name)) {}

  // Returns the new request id. Refuses (and stores nothing): a malformed id or yourself
  // (M_INVALID_PARAM), a user of another server (400 M_UNRECOGNIZED), an unknown user
  // (M_NOT_FOUND), a block either way, a duplicate or an existing friendship (M_FORBIDDEN).
  std::string request(const core::UserId& from, const std::string& to,
                      const std::optional<std::string>& message);
  // The addressee accepts: returns the direct conversation's room id.
  std::string accept(const core::UserId& user, const std::string& request_id);
  void reject(const core::UserId& user, const std::string& request_id);
  // The requester withdraws a pending request.
  void cancel(const core::UserId& user, const std::string& request_id);
  std::vector<FriendRequest> requests(const core::UserId& user, Direction direction,
                                      const std::optional<std::string>& status);
  std::vector<Friend> friends(const core::UserId& user);
  void unfriend(const core::UserId& user, const core::UserId& other);

 private:
  // The request if `user` is a party to it, else M_NOT_FOUND.
  FriendRequest load(const core::UserId& user, const std::string& request_id);
  void answer(const FriendRequest& r, const std::string& to);  // pending -> to, or M_FORBIDDEN
  std::string openDirectRoom(const std::string& accepter, const std::string& requester);
  std::optional<std::string> reusableDirectRoom(const std::string& accepter,
                                                const std::string& requester);
  void notify(const std::string& recipient, const std::string& title, const std::string& body,
              const std::string& request_id);
  std::string nameOf(const std::string& user_id);

  FriendServiceDeps d_;
  std::string server_name_;
};

}  // namespace hs::social
