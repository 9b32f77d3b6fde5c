// GET /_matrix/federation/v1/openid/userinfo
#include "federation/handlers/handlers.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/openid/openid_service.h"

namespace hs::fed {

using core::ErrCode;
using core::MatrixError;

// GET /_matrix/federation/v1/openid/userinfo?access_token= (not signed: any third party asks)
// The user an OpenID token of ours was issued to.
Response getOpenIdUserInfo(Request& req, const Requester&, FederationContext& ctx) {
  const auto token = req.queryParam("access_token");
  if (!token || token->empty()) {
    throw MatrixError(ErrCode::MissingToken, "Missing access_token");
  }
  json::Writer w;
  w.startObject().key("sub").string(ctx.openid.userInfo(*token)).endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::fed
