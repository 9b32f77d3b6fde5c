#include "client_api/handlers/handlers.h"
#include "homeserver/core/json.h"

namespace hs::client {

// POST /_matrix/client/v3/account/password
Response postAccountPassword(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const std::string new_password = json::requireString(body, "new_password");
  const bool logout_devices = json::optBool(body, "logout_devices").value_or(true);
  ctx.accounts.changePassword(who, new_password, logout_devices, json::optObject(body, "auth"));
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/account/deactivate
Response postAccountDeactivate(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body, true);
  ctx.accounts.deactivate(who, json::optObject(body, "auth"));
  return Response::json(200, R"({"id_server_unbind_result":"no-support"})");
}

// GET /_matrix/client/v3/account/3pid
Response getAccount3pids(Request&, const Requester&, ClientContext&) {
  return Response::json(200, R"({"threepids":[]})");
}

}  // namespace hs::client
