// The block list (extension endpoints under /_matrix/client/unstable/im.parley); the same list
// is the m.ignored_user_list account data.
#include "client_api/handlers/social.h"
#include "homeserver/core/json.h"
#include "homeserver/services/social/block_service.h"

namespace hs::client {

// PUT /_matrix/client/unstable/im.parley/blocks/{userId}
Response putBlock(Request& req, const Requester& who, ClientContext& ctx) {
  json::parseObject(req.body, true);  // no fields yet, but it must be JSON when sent
  ctx.social.blocks.block(who.userId(), core::UserId::parse(req.pathParam("userId")));
  return Response::json(200, "{}");
}

// DELETE /_matrix/client/unstable/im.parley/blocks/{userId}
Response deleteBlock(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.social.blocks.unblock(who.userId(), core::UserId::parse(req.pathParam("userId")));
  return Response::json(200, "{}");
}

// GET /_matrix/client/unstable/im.parley/blocks
Response getBlocks(Request&, const Requester& who, ClientContext& ctx) {
  json::Writer w;
  w.startObject().key("blocks").startArray();
  for (const auto& b : ctx.social.blocks.list(who.userId())) {
    w.startObject().key("user_id").string(b.user_id).key("blocked_at").integer(b.blocked_at).endObject();
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
