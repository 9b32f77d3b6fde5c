#include "client_api/handlers/login_render.h"

#include "homeserver/core/json.h"

namespace hs::client {

std::string renderLogin(const accounts::LoginResult& r, const std::string& server_name,
                        bool session_only) {
  json::Writer w;
  w.startObject();
  if (!session_only) {
    w.key("user_id").string(r.user_id);
    if (r.access_token) {  // registration with inhibit_login makes no device: nothing to name
      w.key("device_id").string(r.device_id);
    }
    w.key("home_server").string(server_name);  // deprecated, but matrix-nio 0.20 reads it
  }
  w.optString("access_token", r.access_token);
  w.optString("refresh_token", r.refresh_token);
  if (r.expires_in_ms) {
    w.key("expires_in_ms").integer(*r.expires_in_ms);
  }
  w.endObject();
  return w.take();
}

}  // namespace hs::client
