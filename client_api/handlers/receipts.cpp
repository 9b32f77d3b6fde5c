// Typing notices, read receipts and read markers.
#include "client_api/handlers/room_params.h"
#include "client_api/handlers/sync_handlers.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
// The fully-read marker: room account data m.fully_read {event_id} (spec: /read_markers, and
// /receipt with m.fully_read "calls /read_markers internally"). The event must be one the user
// can see, which also refuses rooms the user was never in.
void setFullyRead(ClientContext& ctx, const Requester& who, const std::string& room_id,
                  const std::string& event_id) {
  ctx.reader.event(who.userId().str(), room_id, event_id);
  json::Writer w;
  w.startObject().key("event_id").string(event_id).endObject();
  ctx.account_data.set(who.userId().str(), room_id, "m.fully_read", w.take());
}
}  // namespace

// PUT /_matrix/client/v3/rooms/{roomId}/typing/{userId}
Response putTyping(Request& req, const Requester& who, ClientContext& ctx) {
  if (req.pathParam("userId") != who.userId().str()) {
    throw MatrixError(ErrCode::Forbidden, "You may only set your own typing state");
  }
  const json::Document body = json::parseObject(req.body);
  const auto typing = json::optBool(body, "typing");
  if (!typing) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'typing'");
  }
  ctx.ephemeral.setTyping(who.userId().str(), checkRoomId(req.pathParam("roomId")), *typing,
                          json::optInt(body, "timeout").value_or(30000));
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/rooms/{roomId}/receipt/{receiptType}/{eventId}
Response postReceipt(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body, true);
  const std::string& type = req.pathParam("receiptType");
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  if (type == "m.fully_read") {
    setFullyRead(ctx, who, room_id, req.pathParam("eventId"));
    return Response::json(200, "{}");
  }
  ctx.ephemeral.sendReceipt(who.userId().str(), room_id, type, req.pathParam("eventId"),
                            json::optString(body, "thread_id").value_or(""));
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/rooms/{roomId}/read_markers
Response postReadMarkers(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  if (const auto fully_read = json::optString(body, "m.fully_read")) {
    setFullyRead(ctx, who, room_id, *fully_read);
  }
  for (const char* type : {"m.read", "m.read.private"}) {
    if (const auto event_id = json::optString(body, type)) {
      ctx.ephemeral.sendReceipt(who.userId().str(), room_id, type, *event_id, "");
    }
  }
  return Response::json(200, "{}");
}

void addSyncRoutes(http::RouteTable& t, ClientContext& ctx) {
  using http::Auth;
  using http::Method;
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, ClientContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  t.addClient(Method::Get, "/sync", Auth::AccessToken, h(getSync));
  t.addClient(Method::Put, "/rooms/:roomId/typing/:userId", Auth::AccessToken, h(putTyping));
  t.addClient(Method::Post, "/rooms/:roomId/receipt/:receiptType/:eventId", Auth::AccessToken, h(postReceipt));
  t.addClient(Method::Post, "/rooms/:roomId/read_markers", Auth::AccessToken, h(postReadMarkers));
}

}  // namespace hs::client
