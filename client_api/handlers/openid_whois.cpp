// POST /user/{userId}/openid/request_token and GET /admin/whois/{userId}.
#include "client_api/handlers/openid_whois.h"

#include <algorithm>

#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;
using http::Request;
using http::Requester;
using http::Response;

// POST /_matrix/client/v3/user/{userId}/openid/request_token
Response postOpenIdRequestToken(Request& req, const Requester& who, ClientContext& ctx) {
  json::parseObject(req.body, true);  // {} by the spec; must be JSON when sent
  if (req.pathParam("userId") != who.userId().str()) {
    throw MatrixError(ErrCode::Forbidden, "Cannot request an OpenID token for another user");
  }
  const auto token = ctx.openid.issue(who.userId().str());
  json::Writer w;
  w.startObject().key("access_token").string(token.access_token);
  w.key("token_type").string("Bearer");
  w.key("matrix_server_name").string(ctx.config.server_name);
  w.key("expires_in").integer(token.expires_in_s).endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/admin/whois/{userId}
// The user themself or a server admin (auth.admins). Each device is one session with one
// connection: its last seen address and time (user agents are not recorded).
Response getAdminWhois(Request& req, const Requester& who, ClientContext& ctx) {
  const core::UserId user = core::UserId::parse(req.pathParam("userId"));  // M_INVALID_PARAM
  const auto& admins = ctx.config.auth.admins;
  const bool admin = std::find(admins.begin(), admins.end(), who.userId().str()) != admins.end();
  if (user.str() != who.userId().str() && !admin) {
    throw MatrixError(ErrCode::Forbidden, "You are not a server admin");
  }
  if (user.server() != ctx.config.server_name || !ctx.accounts.userExists(user.str())) {
    throw MatrixError(ErrCode::NotFound, "Unknown user");
  }
  json::Writer w;
  w.startObject().key("user_id").string(user.str()).key("devices").startObject();
  for (const auto& d : ctx.accounts.devicesOf(user.str())) {
    w.key(d.device_id).startObject().key("sessions").startArray();
    w.startObject().key("connections").startArray();
    if (d.last_seen_ip || d.last_seen_ts) {
      w.startObject().optString("ip", d.last_seen_ip);
      if (d.last_seen_ts) {
        w.key("last_seen").integer(*d.last_seen_ts);
      }
      w.endObject();
    }
    w.endArray().endObject().endArray().endObject();
  }
  w.endObject().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
