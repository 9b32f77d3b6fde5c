// Email verification and 3PIDs: the three requestToken endpoints, the submit step, and
// adding and removing addresses.
#include "client_api/handlers/social.h"
#include "client_api/handlers/uia_attempt.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/email/verification_service.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
Response requestToken(const Request& req, const std::string& purpose,
                      const std::optional<std::string>& user_id, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  email::TokenRequest r;
  r.purpose = purpose;
  r.client_secret = json::requireString(body, "client_secret");
  r.email = json::requireString(body, "email");
  const auto attempt = json::optInt(body, "send_attempt");
  if (!attempt) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'send_attempt'");
  }
  r.send_attempt = *attempt;
  r.ip = req.remote_ip;
  r.user_id = user_id;
  const auto t = ctx.social.email.requestToken(r);
  json::Writer w;
  w.startObject().key("sid").string(t.sid).key("submit_url").string(t.submit_url).endObject();
  return Response::json(200, w.take());
}
}  // namespace

// POST /_matrix/client/v3/register/email/requestToken
Response postRegisterEmailRequestToken(Request& req, const Requester&, ClientContext& ctx) {
  return requestToken(req, email::kRegister, std::nullopt, ctx);
}

// POST /_matrix/client/v3/account/3pid/email/requestToken
// The spec asks no access token here (the address is bound later by /3pid/add, behind UIA);
// a token that is sent ties the session to its user.
Response postAccount3pidEmailRequestToken(Request& req, const Requester& who, ClientContext& ctx) {
  return requestToken(req, email::kAdd, who.user ? std::optional(who.userId().str()) : std::nullopt, ctx);
}

// POST /_matrix/client/v3/account/password/email/requestToken
Response postPasswordEmailRequestToken(Request& req, const Requester&, ClientContext& ctx) {
  return requestToken(req, email::kPassword, std::nullopt, ctx);
}

// POST /_matrix/client/unstable/im.parley/email/submit_token (the submit_url)
// NOTSPEC: the one extension endpoint without an access token, as the identity service API's
// submitToken has none: whoever registers has no token yet.
Response postSubmitToken(Request& req, const Requester&, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  ctx.social.email.submitToken(json::requireString(body, "sid"), json::requireString(body, "client_secret"),
                               json::requireString(body, "token"));
  return Response::json(200, R"({"success":true})");
}

// GET /_matrix/client/unstable/im.parley/email/submit_token?sid=&client_secret=&token=
// The link in the email, opened in a browser.
Response getSubmitToken(Request& req, const Requester&, ClientContext& ctx) {
  const auto sid = req.queryParam("sid");
  const auto secret = req.queryParam("client_secret");
  const auto token = req.queryParam("token");
  if (!sid || !secret || !token) {
    throw MatrixError(ErrCode::MissingParam, "The link needs sid, client_secret and token");
  }
  ctx.social.email.submitToken(*sid, *secret, *token);
  Response r = Response::json(200, "<!DOCTYPE html><html><head><meta charset=\"utf-8\">"
                                   "<title>Email verified</title></head><body>"
                                   "<p>Your email address is verified. You can go back to your app.</p>"
                                   "</body></html>");
  r.content_type = "text/html; charset=utf-8";
  return r;
}

// POST /_matrix/client/v3/account/3pid/add
Response postAccount3pidAdd(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const std::string secret = json::requireString(body, "client_secret");
  const std::string sid = json::requireString(body, "sid");
  ctx.accounts.requirePassword("3pid_add", who, uiaAttempt(req, body));
  ctx.social.email.add(who.userId().str(), secret, sid);
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/account/3pid/delete
Response postAccount3pidDelete(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  ctx.social.email.remove(who.userId().str(), json::requireString(body, "medium"),
                          json::requireString(body, "address"));
  return Response::json(200, R"({"id_server_unbind_result":"no-support"})");
}

}  // namespace hs::client
