#include "federation/handlers/handlers.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// GET /_matrix/federation/v1/make_join/{roomId}/{userId}?ver=... (signed): a join template for a
// user of the asking server, in a room version it supports.
Response getMakeJoin(Request& req, const Requester& who, FederationContext& ctx) {
  return Response::json(200, ctx.federated.makeJoin(who.originName(), req.pathParam("roomId"),
                                                    req.pathParam("userId"), http::queryValues(req, "ver")));
}

}  // namespace hs::fed
