#pragma once
// Handlers of the social layer: the im.parley extension endpoints (friends, blocks, the
// notification feed, delivery status) and the Matrix endpoints it backs (GET /notifications,
// email verification and 3PIDs, pushers). Same shape as handlers.h.
#include "client_api/handlers/handlers.h"

namespace hs::client {

// The one prefix of every extension endpoint.
inline constexpr const char* kParleyPrefix = "/_matrix/client/unstable/im.parley";

// friends.cpp
Response postFriendRequest(Request& req, const Requester& who, ClientContext& ctx);
Response getFriendRequests(Request& req, const Requester& who, ClientContext& ctx);
Response postAcceptFriendRequest(Request& req, const Requester& who, ClientContext& ctx);
Response postRejectFriendRequest(Request& req, const Requester& who, ClientContext& ctx);
Response deleteFriendRequest(Request& req, const Requester& who, ClientContext& ctx);
Response getFriends(Request& req, const Requester& who, ClientContext& ctx);
Response deleteFriend(Request& req, const Requester& who, ClientContext& ctx);

// blocks.cpp
Response putBlock(Request& req, const Requester& who, ClientContext& ctx);
Response deleteBlock(Request& req, const Requester& who, ClientContext& ctx);
Response getBlocks(Request& req, const Requester& who, ClientContext& ctx);

// notifications.cpp
Response getFeedNotifications(Request& req, const Requester& who, ClientContext& ctx);
Response postFeedNotificationRead(Request& req, const Requester& who, ClientContext& ctx);
Response postFeedNotificationsReadAll(Request& req, const Requester& who, ClientContext& ctx);
Response getNotifications(Request& req, const Requester& who, ClientContext& ctx);

// delivery_status.cpp
Response getEventStatus(Request& req, const Requester& who, ClientContext& ctx);

// threepid.cpp (getAccount3pids and postAccountPassword stay in account.cpp)
Response postRegisterEmailRequestToken(Request& req, const Requester& who, ClientContext& ctx);
Response postAccount3pidEmailRequestToken(Request& req, const Requester& who, ClientContext& ctx);
Response postPasswordEmailRequestToken(Request& req, const Requester& who, ClientContext& ctx);
Response postSubmitToken(Request& req, const Requester& who, ClientContext& ctx);
Response getSubmitToken(Request& req, const Requester& who, ClientContext& ctx);
Response postAccount3pidAdd(Request& req, const Requester& who, ClientContext& ctx);
Response postAccount3pidDelete(Request& req, const Requester& who, ClientContext& ctx);

// pushers.cpp
Response getPushers(Request& req, const Requester& who, ClientContext& ctx);
Response postPushersSet(Request& req, const Requester& who, ClientContext& ctx);

}  // namespace hs::client
