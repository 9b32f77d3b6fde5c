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
  t.add(Method::Get, "/_matrix/federation/v1/openid/userinfo", Auth::None, h(getOpenIdUserInfo));
}

}  // namespace hs::fed
