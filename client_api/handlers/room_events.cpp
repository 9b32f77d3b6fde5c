// Room state and sending events.
#include "client_api/handlers/room_handlers.h"
#include "client_api/handlers/room_params.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
Response eventIdResponse(const std::string& event_id) {
  json::Writer w;
  w.startObject().key("event_id").string(event_id).endObject();
  return Response::json(200, w.take());
}

rooms::RenderContext renderContext(const Requester& who, ClientContext& ctx) {
  return rooms::viewerContext(who.userId().str(), who.device_id, ctx.clock.nowMs());
}

void checkTxnId(const std::string& txn) {
  if (txn.empty() || txn.size() > 255) {
    throw MatrixError(ErrCode::InvalidParam, "Invalid transaction id");
  }
}
}  // namespace

// GET /_matrix/client/v3/rooms/{roomId}/state
Response getRoomState(Request& req, const Requester& who, ClientContext& ctx) {
  const auto state = ctx.reader.state(who.userId().str(), checkRoomId(req.pathParam("roomId")));
  const auto rc = renderContext(who, ctx);
  json::Writer w;
  w.startArray();
  for (const auto& e : state) {
    rooms::renderEvent(w, e, rc);
  }
  w.endArray();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}?format=content|event
Response getRoomStateEvent(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string key = req.path_params.count("stateKey") ? req.pathParam("stateKey") : "";
  const auto e = ctx.reader.stateEvent(who.userId().str(), checkRoomId(req.pathParam("roomId")),
                                       req.pathParam("eventType"), key);
  if (req.queryParam("format").value_or("content") == "event") {
    return Response::json(200, rooms::renderEvent(e, renderContext(who, ctx)));
  }
  // Raw, without parsing: an event stored before the depth limit may be too deep to parse.
  const auto content = json::rawMember(e.client_json, "content");
  return Response::json(200, std::string(content.value_or("{}")));
}

// PUT /_matrix/client/v3/rooms/{roomId}/state/{eventType}/{stateKey}
Response putRoomStateEvent(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string key = req.path_params.count("stateKey") ? req.pathParam("stateKey") : "";
  const std::string content = objectBodyText(req);
  const std::string& type = req.pathParam("eventType");
  rooms::EventDraft d{who.userId().str(), type, key, content, std::nullopt};
  return eventIdResponse(ctx.rooms.sendState(checkRoomId(req.pathParam("roomId")), d));
}

// PUT /_matrix/client/v3/rooms/{roomId}/send/{eventType}/{txnId}
Response putSendEvent(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string& txn = req.pathParam("txnId");
  checkTxnId(txn);
  const std::string content = objectBodyText(req);
  const std::string& type = req.pathParam("eventType");
  if (type == "m.room.redaction") {
    throw MatrixError(ErrCode::Forbidden, "Use the /redact endpoint to redact events");
  }
  if (who.is_guest && type != "m.room.message") {  // the spec's only event type for guests
    throw MatrixError(ErrCode::GuestAccessForbidden, "Guests may send only m.room.message");
  }
  rooms::EventDraft d{who.userId().str(), type, std::nullopt, content, std::nullopt};
  return eventIdResponse(ctx.rooms.send(checkRoomId(req.pathParam("roomId")), d, who.userId().str(),
                                        rooms::TxnRef{who.device_id, txn}));
}

// PUT /_matrix/client/v3/rooms/{roomId}/redact/{eventId}/{txnId}
Response putRedact(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string& txn = req.pathParam("txnId");
  checkTxnId(txn);
  const json::Document body = json::parseObject(req.body, true);
  return eventIdResponse(ctx.rooms.redact(who.userId(), checkRoomId(req.pathParam("roomId")),
                                          req.pathParam("eventId"), json::optString(body, "reason"),
                                          rooms::TxnRef{who.device_id, txn}));
}

}  // namespace hs::client
