#include "federation/handlers/handlers.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// GET /_matrix/federation/v1/state/{roomId}?event_id= (signed): the state before the event and
// its auth chain, full PDUs.
Response getRoomStateAt(Request& req, const Requester& who, FederationContext& ctx) {
  const auto event_id = req.queryParam("event_id");
  if (!event_id) {
    throw core::MatrixError(core::ErrCode::MissingParam, "Missing event_id");
  }
  return Response::json(200, ctx.federated.getState(who.originName(), req.pathParam("roomId"), *event_id, false));
}

}  // namespace hs::fed
