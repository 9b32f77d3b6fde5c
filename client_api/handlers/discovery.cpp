#include "client_api/handlers/handlers.h"
#include "homeserver/core/json.h"
#include "homeserver/services/rooms/room_version.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

// GET /_matrix/client/versions
Response getVersions(Request&, const Requester&, ClientContext&) {
  // Only versions whose client features are implemented; widened as features land.
  return Response::json(200, R"({"versions":["r0.5.0","r0.6.0","r0.6.1","v1.1","v1.2","v1.3","v1.4","v1.5"],"unstable_features":{}})");
}

// GET /.well-known/matrix/client
Response getWellKnownClient(Request&, const Requester&, ClientContext& ctx) {
  if (ctx.config.public_baseurl.empty()) {
    throw core::MatrixError(core::ErrCode::NotFound, "No .well-known configured");
  }
  json::Writer w;
  w.startObject().key("m.homeserver").startObject().key("base_url").string(ctx.config.public_baseurl);
  w.endObject().endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v1/auth_metadata
// NOTSPEC-free: we have no OAuth 2.0 server, and the spec says to answer 404 M_UNRECOGNIZED.
Response getAuthMetadata(Request&, const Requester&, ClientContext&) {
  throw core::MatrixError(core::ErrCode::Unrecognized, "OAuth 2.0 is not supported");
}

// GET /_matrix/client/v3/capabilities
Response getCapabilities(Request&, const Requester&, ClientContext& ctx) {
  const bool email = !ctx.config.smtp.host.empty();  // 3PID changes need verification mail
  json::Writer w;
  w.startObject().key("capabilities").startObject();
  w.key("m.change_password").startObject().key("enabled").boolean(true).endObject();
  w.key("m.room_versions").startObject().key("default").string(ctx.config.default_room_version);
  w.key("available").startObject();
  for (const auto version : rooms::supportedRoomVersions()) {
    w.key(version).string("stable");
  }
  w.endObject().endObject();
  w.key("m.set_displayname").startObject().key("enabled").boolean(true).endObject();
  w.key("m.set_avatar_url").startObject().key("enabled").boolean(true).endObject();
  w.key("m.3pid_changes").startObject().key("enabled").boolean(email).endObject();
  w.key("m.get_login_token").startObject().key("enabled").boolean(false).endObject();
  return Response::json(200, w.endObject().endObject().take());
}

}  // namespace hs::client
