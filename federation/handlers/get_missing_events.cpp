#include "federation/handlers/handlers.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// POST /_matrix/federation/v1/get_missing_events/{roomId} (signed): the events between
// earliest_events and latest_events, walking prev_events back from the latest.
Response postGetMissingEvents(Request& req, const Requester& who, FederationContext& ctx) {
  return Response::json(200, ctx.federated.getMissingEvents(who.originName(), req.pathParam("roomId"), req.body));
}

}  // namespace hs::fed
