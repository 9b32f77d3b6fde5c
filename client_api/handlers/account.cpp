#include "client_api/handlers/handlers.h"
#include "client_api/handlers/uia_attempt.h"
#include "homeserver/core/json.h"
#include "homeserver/services/email/verification_service.h"

namespace hs::client {

// POST /_matrix/client/v3/account/password
Response postAccountPassword(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const std::string new_password = json::requireString(body, "new_password");
  const bool logout_devices = json::optBool(body, "logout_devices").value_or(true);
  if (!who.user) {
    ctx.accounts.resetPassword(new_password, uiaAttempt(req, body));
    return Response::json(200, "{}");
  }
  ctx.accounts.changePassword(who, new_password, logout_devices, uiaAttempt(req, body));
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/account/deactivate
Response postAccountDeactivate(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body, true);
  ctx.accounts.deactivate(who, uiaAttempt(req, body));
  return Response::json(200, R"({"id_server_unbind_result":"no-support"})");
}

// GET /_matrix/client/v3/account/3pid
Response getAccount3pids(Request&, const Requester& who, ClientContext& ctx) {
  json::Writer w;
  w.startObject().key("threepids").startArray();
  for (const auto& t : ctx.social.email.threepids(who.userId().str())) {
    w.startObject().key("medium").string(t.medium).key("address").string(t.address);
    w.key("validated_at").integer(t.validated_at).key("added_at").integer(t.added_at).endObject();
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
