#include "federation/handlers/handlers.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// PUT /_matrix/federation/v2/send_leave/{roomId}/{eventId} (signed): the signed leave, checked,
// persisted and passed on to the room's other servers.
Response putSendLeave(Request& req, const Requester& who, FederationContext& ctx) {
  return Response::json(200, ctx.federated.sendLeave(who.originName(), req.pathParam("roomId"),
                                                     req.pathParam("eventId"), req.body));
}

}  // namespace hs::fed
