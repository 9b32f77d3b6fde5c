#include "federation/handlers/handlers.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// GET /_matrix/federation/v1/event_auth/{roomId}/{eventId} (signed): the event's full auth chain.
Response getEventAuth(Request& req, const Requester& who, FederationContext& ctx) {
  return Response::json(200, ctx.federated.getEventAuth(who.originName(), req.pathParam("roomId"),
                                                        req.pathParam("eventId")));
}

}  // namespace hs::fed
