#include "federation/handlers/handlers.h"
#include "federation/keys/own_keys.h"

namespace hs::fed {

// GET /_matrix/key/v2/server (not signed): this server's keys, self-signed, valid for a day.
Response getServerKeys(Request&, const Requester&, FederationContext& ctx) {
  return Response::json(200, ctx.own_keys.serverKeysJson(ctx.clock.nowMs()));
}

}  // namespace hs::fed
