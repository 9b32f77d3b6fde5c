#include "client_api/handlers/handlers.h"
#include "client_api/handlers/login_render.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
// The account an email address is bound to (m.id.thirdparty); unknown ones fail like a
// wrong password.
std::string userOfThreepid(const std::string& medium, const std::string& address, ClientContext& ctx) {
  const auto user = medium == "email" ? ctx.accounts.userOfEmail(address) : std::nullopt;
  if (!user) {
    throw MatrixError(ErrCode::Forbidden, "Invalid username or password");
  }
  return *user;
}

// The user named by a login request: identifier {type: m.id.user, user} or
// {type: m.id.thirdparty, medium, address}, or the legacy top-level `user` or
// `medium` + `address` fields.
std::string loginUser(const json::Value& body, ClientContext& ctx) {
  if (const json::Value* id = json::optObject(body, "identifier")) {
    const std::string type = json::requireString(*id, "type");
    if (type == "m.id.thirdparty") {
      return userOfThreepid(json::requireString(*id, "medium"), json::requireString(*id, "address"), ctx);
    }
    if (type != "m.id.user") {
      throw MatrixError(ErrCode::Unknown, "Unsupported identifier type: " + type, 400);
    }
    return json::requireString(*id, "user");
  }
  if (auto user = json::optString(body, "user")) {
    return *user;
  }
  if (auto medium = json::optString(body, "medium")) {
    return userOfThreepid(*medium, json::requireString(body, "address"), ctx);
  }
  throw MatrixError(ErrCode::MissingParam, "Missing 'identifier'");
}
}  // namespace

// GET /_matrix/client/v3/login
Response getLogin(Request&, const Requester&, ClientContext&) {
  return Response::json(200, R"({"flows":[{"type":"m.login.password"}]})");
}

// POST /_matrix/client/v3/login
Response postLogin(Request& req, const Requester&, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const std::string type = json::requireString(body, "type");
  if (type != "m.login.password") {
    throw MatrixError(ErrCode::Unknown, "Unsupported login type: " + type, 400);
  }
  accounts::LoginParams p;
  p.user = loginUser(body, ctx);
  p.password = json::requireString(body, "password");
  p.device_id = json::optString(body, "device_id");
  p.initial_device_display_name = json::optString(body, "initial_device_display_name");
  p.refresh_token = json::optBool(body, "refresh_token").value_or(false);
  p.ip = req.remote_ip;
  const auto result = ctx.accounts.login(p);
  return Response::json(200, renderLogin(result, ctx.config.server_name));
}

// POST /_matrix/client/v3/refresh
Response postRefresh(Request& req, const Requester&, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const auto result = ctx.accounts.refresh(json::requireString(body, "refresh_token"));
  return Response::json(200, renderLogin(result, ctx.config.server_name, true));
}

// POST /_matrix/client/v3/logout
Response postLogout(Request&, const Requester& who, ClientContext& ctx) {
  ctx.accounts.logout(who);
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/logout/all
Response postLogoutAll(Request&, const Requester& who, ClientContext& ctx) {
  ctx.accounts.logoutAll(who);
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/account/whoami
Response getWhoami(Request&, const Requester& who, ClientContext&) {
  json::Writer w;
  w.startObject().key("user_id").string(who.userId().str());
  w.key("device_id").string(who.device_id).key("is_guest").boolean(false).endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
