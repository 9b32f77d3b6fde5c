#include "federation/handlers/handlers.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// GET /_matrix/federation/v1/state_ids/{roomId}?event_id= (signed): the IDs of the state before
// the event and of its auth chain.
Response getRoomStateIdsAt(Request& req, const Requester& who, FederationContext& ctx) {
  const auto event_id = req.queryParam("event_id");
  if (!event_id) {
    throw core::MatrixError(core::ErrCode::MissingParam, "Missing event_id");
  }
  return Response::json(200, ctx.federated.getState(who.originName(), req.pathParam("roomId"), *event_id, true));
}

}  // namespace hs::fed
