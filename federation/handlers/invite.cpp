#include "federation/handlers/handlers.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// PUT /_matrix/federation/v2/invite/{roomId}/{eventId} (signed): a local user invited by a user
// of the asking server; the answer is the invite signed by us too.
Response putInvite(Request& req, const Requester& who, FederationContext& ctx) {
  return Response::json(200, ctx.federated.receiveInvite(who.originName(), req.pathParam("roomId"),
                                                         req.pathParam("eventId"), req.body));
}

}  // namespace hs::fed
