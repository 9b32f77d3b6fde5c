#include "federation/routes.h"

#include "federation/handlers/handlers.h"

namespace hs::fed {

using http::Auth;
using http::Method;

void addFederationRoutes(http::RouteTable& t, FederationContext& ctx) {
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, FederationContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  t.add(Method::Get, "/_matrix/federation/v1/version", Auth::None, h(getFederationVersion));
  t.add(Method::Get, "/_matrix/key/v2/server", Auth::None, h(getServerKeys));
  t.add(Method::Post, "/_matrix/key/v2/query", Auth::None, h(postKeyQuery));
  t.add(Method::Get, "/_matrix/key/v2/query/:serverName", Auth::None, h(getKeyQueryServer));
  t.add(Method::Put, "/_matrix/federation/v1/send/:txnId", Auth::ServerSignature, h(putSendTransaction))
      .max_body = kMaxTransactionBytes;
  t.add(Method::Get, "/_matrix/federation/v1/query/profile", Auth::ServerSignature, h(getQueryProfile));
  t.add(Method::Get, "/_matrix/federation/v1/query/directory", Auth::ServerSignature, h(getQueryDirectory));
  t.add(Method::Get, "/_matrix/federation/v1/make_join/:roomId/:userId", Auth::ServerSignature, h(getMakeJoin));
  t.add(Method::Put, "/_matrix/federation/v2/send_join/:roomId/:eventId", Auth::ServerSignature, h(putSendJoin))
      .max_body = kMaxTransactionBytes;
  t.add(Method::Put, "/_matrix/federation/v2/invite/:roomId/:eventId", Auth::ServerSignature, h(putInvite))
      .max_body = kMaxTransactionBytes;
  t.add(Method::Get, "/_matrix/federation/v1/make_leave/:roomId/:userId", Auth::ServerSignature, h(getMakeLeave));
  t.add(Method::Put, "/_matrix/federation/v2/send_leave/:roomId/:eventId", Auth::ServerSignature, h(putSendLeave));
  t.add(Method::Get, "/_matrix/federation/v1/event/:eventId", Auth::ServerSignature, h(getEvent));
  t.add(Method::Get, "/_matrix/federation/v1/state/:roomId", Auth::ServerSignature, h(getRoomStateAt));
  t.add(Method::Get, "/_matrix/federation/v1/state_ids/:roomId", Auth::ServerSignature, h(getRoomStateIdsAt));
  t.add(Method::Get, "/_matrix/federation/v1/event_auth/:roomId/:eventId", Auth::ServerSignature, h(getEventAuth));
  t.add(Method::Get, "/_matrix/federation/v1/backfill/:roomId", Auth::ServerSignature, h(getBackfill));
  t.add(Method::Post, "/_matrix/federation/v1/get_missing_events/:roomId", Auth::ServerSignature,
        h(postGetMissingEvents));
  t.add(Method::Get, "/_matrix/federation/v1/openid/userinfo", Auth::None, h(getOpenIdUserInfo));
}

}  // namespace hs::fed
