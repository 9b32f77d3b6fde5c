#include "federation/handlers/handlers.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/federation/outbound.h"
#include "homeserver/services/rooms/room_service.h"

namespace hs::fed {

using core::ErrCode;
using core::MatrixError;

// GET /_matrix/federation/v1/query/directory?room_alias= (signed): {room_id, servers} of one of
// this server's aliases; servers lists us first, then the other servers in the room.
Response getQueryDirectory(Request& req, const Requester&, FederationContext& ctx) {
  const auto alias = req.queryParam("room_alias");
  if (!alias) {
    throw MatrixError(ErrCode::MissingParam, "Missing room_alias");
  }
  const size_t colon = alias->find(':');
  if (alias->empty() || (*alias)[0] != '#' || colon == std::string::npos) {
    throw MatrixError(ErrCode::InvalidParam, "Not a room alias");
  }
  if (alias->substr(colon + 1) != ctx.config.server_name) {
    throw MatrixError(ErrCode::InvalidParam, "The alias is not on this server");
  }
  const std::string room_id = ctx.rooms.resolveAlias(*alias);  // M_NOT_FOUND when unknown
  std::vector<std::string> joined;
  for (const auto& m : ctx.rooms.store().members(room_id)) {
    if (m.membership == "join") {
      joined.push_back(m.user_id);
    }
  }
  json::Writer w;
  w.startObject().key("room_id").string(room_id).key("servers").startArray().string(ctx.config.server_name);
  for (const auto& s : outbound::remoteServersOf(joined, ctx.config.server_name)) {
    w.string(s);
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::fed
