#include "federation/handlers/handlers.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// GET /_matrix/federation/v1/event/{eventId} (signed): one PDU, as a transaction, for a server
// with a user in its room.
Response getEvent(Request& req, const Requester& who, FederationContext& ctx) {
  return Response::json(200, ctx.federated.getEvent(who.originName(), req.pathParam("eventId")));
}

}  // namespace hs::fed
