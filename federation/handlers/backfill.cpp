#include "federation/handlers/handlers.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::fed {

// GET /_matrix/federation/v1/backfill/{roomId}?v=...&limit= (signed): a transaction of the events
// before the v events, those included, walking prev_events back.
Response getBackfill(Request& req, const Requester& who, FederationContext& ctx) {
  const auto from = http::queryValues(req, "v");
  const auto limit = req.queryParam("limit");
  if (from.empty() || !limit) {
    throw core::MatrixError(core::ErrCode::MissingParam, "backfill needs v and limit");
  }
  size_t n = 0;
  try {
    n = static_cast<size_t>(std::stoul(*limit));
  } catch (const std::exception&) {
    throw core::MatrixError(core::ErrCode::InvalidParam, "limit must be a number");
  }
  return Response::json(200, ctx.federated.backfill(who.originName(), req.pathParam("roomId"), from, n));
}

}  // namespace hs::fed
