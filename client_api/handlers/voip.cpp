// VoIP: the TURN servers a client may use for calls.
#include "client_api/handlers/voip.h"

#include "client_api/handlers/handlers.h"
#include "homeserver/core/base64.h"
#include "homeserver/core/digest.h"
#include "homeserver/core/json.h"

namespace hs::client {

std::string turnPassword(std::string_view secret, std::string_view username) {
  std::string password = core::base64Encode(core::hmacSha1(secret, username));
  password.append((4 - password.size() % 4) % 4, '=');  // coturn compares padded base64
  return password;
}

// GET /_matrix/client/v3/voip/turnServer
// Credentials of the TURN REST API (coturn's use-auth-secret): the username is
// "<expiry in seconds>:<user id>", the password base64(HMAC-SHA1(secret, username)) with
// padding, as coturn computes it. Without a configured server: {} (nheko asks on every start).
Response getTurnServer(Request&, const Requester& who, ClientContext& ctx) {
  const config::Voip& v = ctx.config.voip;
  if (v.turn_uris.empty() || v.turn_shared_secret.empty()) {
    return Response::json(200, "{}");
  }
  const int64_t expiry_s = (ctx.clock.nowMs() + v.turn_user_lifetime_ms) / 1000;
  const std::string username = std::to_string(expiry_s) + ":" + who.userId().str();
  json::Writer w;
  w.startObject().key("username").string(username);
  w.key("password").string(turnPassword(v.turn_shared_secret, username));
  w.key("uris").startArray();
  for (const auto& uri : v.turn_uris) {
    w.string(uri);
  }
  w.endArray().key("ttl").integer(v.turn_user_lifetime_ms / 1000).endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
