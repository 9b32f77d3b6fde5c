#include "federation/handlers/handlers.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::fed {

using core::ErrCode;
using core::MatrixError;

// GET /_matrix/key/v2/query/{serverName}?minimum_valid_until_ts= (not signed)
Response getKeyQueryServer(Request& req, const Requester&, FederationContext& ctx) {
  const std::string& server = req.pathParam("serverName");
  if (!core::isValidServerName(server)) {
    throw MatrixError(ErrCode::InvalidParam, "Not a server name");
  }
  int64_t min = ctx.clock.nowMs();
  if (const auto ts = req.queryParam("minimum_valid_until_ts")) {
    try {
      min = std::max<int64_t>(min, std::stoll(*ts));
    } catch (const std::exception&) {
      throw MatrixError(ErrCode::InvalidParam, "minimum_valid_until_ts must be an integer");
    }
  }
  const std::string entry = notaryEntry(ctx, server, min);
  json::Writer w;
  w.startObject().key("server_keys").startArray();
  if (!entry.empty()) {
    w.raw(entry);
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::fed
