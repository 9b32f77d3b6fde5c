#include "federation/handlers/handlers.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// GET /_matrix/federation/v1/make_leave/{roomId}/{userId} (signed): a leave template for a user
// of the asking server (leaving, or rejecting an invite).
Response getMakeLeave(Request& req, const Requester& who, FederationContext& ctx) {
  return Response::json(200, ctx.federated.makeLeave(who.originName(), req.pathParam("roomId"), req.pathParam("userId")));
}

}  // namespace hs::fed
