// Routes of the social layer: the im.parley extension endpoints (one prefix, access token
// required, Matrix error JSON) and the Matrix endpoints backed by it.
#include "client_api/handlers/social.h"
#include "client_api/routes.h"

namespace hs::client {

using http::Auth;
using http::Method;

void addSocialRoutes(http::RouteTable& t, ClientContext& ctx) {
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, ClientContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  const Auth a = Auth::AccessToken;
  const std::string p = kParleyPrefix;
  t.add(Method::Post, p + "/friends/requests", a, h(postFriendRequest));
  t.add(Method::Get, p + "/friends/requests", a, h(getFriendRequests));
  t.add(Method::Post, p + "/friends/requests/:requestId/accept", a, h(postAcceptFriendRequest));
  t.add(Method::Post, p + "/friends/requests/:requestId/reject", a, h(postRejectFriendRequest));
  t.add(Method::Delete, p + "/friends/requests/:requestId", a, h(deleteFriendRequest));
  t.add(Method::Get, p + "/friends", a, h(getFriends));
  t.add(Method::Delete, p + "/friends/:userId", a, h(deleteFriend));

  t.add(Method::Put, p + "/blocks/:userId", a, h(putBlock));
  t.add(Method::Delete, p + "/blocks/:userId", a, h(deleteBlock));
  t.add(Method::Get, p + "/blocks", a, h(getBlocks));

  t.add(Method::Get, p + "/notifications", a, h(getFeedNotifications));
  t.add(Method::Post, p + "/notifications/read_all", a, h(postFeedNotificationsReadAll));
  t.add(Method::Post, p + "/notifications/:id/read", a, h(postFeedNotificationRead));
  t.add(Method::Get, p + "/rooms/:roomId/event/:eventId/status", a, h(getEventStatus));

  t.addClient(Method::Get, "/notifications", a, h(getNotifications));
  t.addClient(Method::Get, "/pushers", a, h(getPushers));
  t.addClient(Method::Post, "/pushers/set", a, h(postPushersSet));

  t.addClient(Method::Post, "/register/email/requestToken", Auth::None, h(postRegisterEmailRequestToken));
  t.addClient(Method::Post, "/account/password/email/requestToken", Auth::None,
              h(postPasswordEmailRequestToken));
  t.addClient(Method::Post, "/account/3pid/email/requestToken", Auth::Optional,
              h(postAccount3pidEmailRequestToken));
  t.addClient(Method::Post, "/account/3pid/add", a, h(postAccount3pidAdd));
  t.addClient(Method::Post, "/account/3pid/delete", a, h(postAccount3pidDelete));
  t.add(Method::Post, p + "/email/submit_token", Auth::None, h(postSubmitToken));
  t.add(Method::Get, p + "/email/submit_token", Auth::None, h(getSubmitToken));
}

}  // namespace hs::client
