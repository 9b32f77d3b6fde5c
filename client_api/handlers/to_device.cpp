#include "client_api/handlers/e2ee_handlers.h"
#include "homeserver/core/json.h"

namespace hs::client {

// PUT /_matrix/client/v3/sendToDevice/{eventType}/{txnId}
Response putSendToDevice(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  ctx.to_device.send(who.userId(), who.device_id, req.pathParam("eventType"), req.pathParam("txnId"),
                     json::requireObject(body, "messages"));
  return Response::json(200, "{}");
}

}  // namespace hs::client
