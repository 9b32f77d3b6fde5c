// HTTP pushers: registering push gateways.
#include "client_api/handlers/social.h"
#include "homeserver/core/json.h"
#include "homeserver/services/pushers/pusher_service.h"

namespace hs::client {

// GET /_matrix/client/v3/pushers
Response getPushers(Request&, const Requester& who, ClientContext& ctx) {
  json::Writer w;
  w.startObject().key("pushers").startArray();
  for (const auto& p : ctx.social.pushers.list(who.userId().str())) {
    w.startObject().key("pushkey").string(p.pushkey).key("kind").string(p.kind);
    w.key("app_id").string(p.app_id).key("app_display_name").string(p.app_display_name);
    w.key("device_display_name").string(p.device_display_name).optString("profile_tag", p.profile_tag);
    w.key("lang").string(p.lang).key("data").raw(p.data).endObject();
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

// POST /_matrix/client/v3/pushers/set
Response postPushersSet(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  ctx.social.pushers.set(who.userId().str(), who.device_id, body);
  return Response::json(200, "{}");
}

}  // namespace hs::client
