#include "client_api/handlers/user_data.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"

namespace hs::client {

// PUT /_matrix/client/v3/presence/{userId}/status
Response putPresence(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  ctx.presence.set(who.userId(), core::UserId::parse(req.pathParam("userId")),
                   json::requireString(body, "presence"), json::optString(body, "status_msg"));
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/presence/{userId}/status
Response getPresence(Request& req, const Requester& who, ClientContext& ctx) {
  return Response::json(200, ctx.presence.statusJson(who.userId(),
                                                     core::UserId::parse(req.pathParam("userId"))));
}

}  // namespace hs::client
