// Room aliases: /directory/room/{roomAlias} and /rooms/{roomId}/aliases.
#include "client_api/handlers/room_handlers.h"
#include "client_api/handlers/room_params.h"
#include "homeserver/core/json.h"

namespace hs::client {

// PUT /_matrix/client/v3/directory/room/{roomAlias}
Response putRoomAlias(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  ctx.rooms.createAlias(who.userId(), req.pathParam("roomAlias"),
                        checkRoomId(json::requireString(body, "room_id")));
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/directory/room/{roomAlias}
Response getRoomAlias(Request& req, const Requester&, ClientContext& ctx) {
  const std::string room_id = ctx.rooms.resolveAlias(req.pathParam("roomAlias"));
  json::Writer w;
  w.startObject().key("room_id").string(room_id).key("servers").startArray();
  w.string(ctx.config.server_name).endArray().endObject();
  return Response::json(200, w.take());
}

// DELETE /_matrix/client/v3/directory/room/{roomAlias}
Response deleteRoomAlias(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.rooms.deleteAlias(who.userId(), req.pathParam("roomAlias"));
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/rooms/{roomId}/aliases
Response getRoomAliases(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  ctx.reader.visibleRange(who.userId().str(), room_id);
  json::Writer w;
  w.startObject().key("aliases").startArray();
  for (const auto& a : ctx.rooms.store().roomAliases(room_id)) {
    w.string(a);
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
