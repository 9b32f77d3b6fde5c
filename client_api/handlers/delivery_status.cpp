// Delivery status of a message (seed MESSAGE.status), for its sender.
#include "client_api/handlers/room_params.h"
#include "client_api/handlers/social.h"
#include "homeserver/core/json.h"
#include "homeserver/services/notifications/delivery_service.h"

namespace hs::client {

// GET /_matrix/client/unstable/im.parley/rooms/{roomId}/event/{eventId}/status
Response getEventStatus(Request& req, const Requester& who, ClientContext& ctx) {
  const auto s = ctx.social.delivery.status(who.userId(), checkRoomId(req.pathParam("roomId")),
                                            req.pathParam("eventId"));
  json::Writer w;
  w.startObject().key("status").string(s.status).key("recipients").startObject();
  for (const auto& r : s.recipients) {
    w.key(r.user_id).startObject().key("status").string(r.status).key("ts").integer(r.ts).endObject();
  }
  w.endObject().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
