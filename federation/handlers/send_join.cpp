#include "federation/handlers/handlers.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// PUT /_matrix/federation/v2/send_join/{roomId}/{eventId} (signed): the signed join, checked
// and persisted; the answer is the room's state before it and its auth chain (full state: no
// partial-state joins, omit_members is ignored as the spec allows).
Response putSendJoin(Request& req, const Requester& who, FederationContext& ctx) {
  return Response::json(200, ctx.federated.sendJoin(who.originName(), req.pathParam("roomId"),
                                                    req.pathParam("eventId"), req.body));
}

}  // namespace hs::fed
