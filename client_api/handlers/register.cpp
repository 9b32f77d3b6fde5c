#include "client_api/handlers/handlers.h"
#include "client_api/handlers/login_render.h"
#include "client_api/handlers/uia_attempt.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

// POST /_matrix/client/v3/register
Response postRegister(Request& req, const Requester&, ClientContext& ctx) {
  const std::string kind = req.queryParam("kind").value_or("user");
  if (kind == "guest") {
    const json::Document body = json::parseObject(req.body, true);
    const auto result = ctx.accounts.registerGuest(json::optString(body, "initial_device_display_name"),
                                                   req.remote_ip);
    return Response::json(200, renderLogin(result, ctx.config.server_name));
  }
  if (kind != "user") {
    throw MatrixError(ErrCode::InvalidParam, "kind must be user or guest");
  }
  const json::Document body = json::parseObject(req.body);
  accounts::RegisterParams p;
  p.username = json::optString(body, "username");
  p.password = json::optString(body, "password");
  p.device_id = json::optString(body, "device_id");
  p.initial_device_display_name = json::optString(body, "initial_device_display_name");
  p.inhibit_login = json::optBool(body, "inhibit_login").value_or(false);
  p.refresh_token = json::optBool(body, "refresh_token").value_or(false);
  p.ip = req.remote_ip;
  p.guest_access_token = json::optString(body, "guest_access_token");
  const auto result = ctx.accounts.registerUser(p, uiaAttempt(req, body));
  return Response::json(200, renderLogin(result, ctx.config.server_name));
}

// GET /_matrix/client/v3/register/available?username=
Response getRegisterAvailable(Request& req, const Requester&, ClientContext& ctx) {
  const auto username = req.queryParam("username");
  if (!username) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'username'");
  }
  ctx.accounts.checkUsernameAvailable(*username);
  return Response::json(200, R"({"available":true})");
}

// GET /_matrix/client/v1/register/m.login.registration_token/validity?token=
Response getRegistrationTokenValidity(Request& req, const Requester&, ClientContext& ctx) {
  const auto token = req.queryParam("token");
  if (!token) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'token'");
  }
  const bool valid = ctx.config.registration.require_registration_token &&
                     ctx.accounts.isRegistrationTokenValid(*token);
  return Response::json(200, valid ? R"({"valid":true})" : R"({"valid":false})");
}

}  // namespace hs::client
