#include "homeserver/http/dispatch.h"

#include <spdlog/spdlog.h>

#include <chrono>

namespace hs::http {

using core::ErrCode;
using core::MatrixError;

Response errorResponse(const MatrixError& e) {
  Response res = Response::json(e.httpStatus(), core::errorBody(e));
  if (e.retryAfterMs()) {
    res.header("Retry-After", std::to_string((*e.retryAfterMs() + 999) / 1000));
  }
  return res;
}

std::optional<std::string> accessTokenOf(const Request& req) {
  if (const std::string* authz = req.header("authorization")) {
    static constexpr std::string_view kBearer = "Bearer ";
    if (authz->size() > kBearer.size() &&
        std::equal(kBearer.begin(), kBearer.end(), authz->begin(),
                   [](char a, char b) { return std::tolower(a) == std::tolower(b); })) {
      return authz->substr(kBearer.size());
    }
    return std::nullopt;  // another scheme (X-Matrix) is not a client token
  }
  return req.queryParam("access_token");
}

void Dispatcher::addCors(Response& res) {
  res.header("Access-Control-Allow-Origin", "*");
  res.header("Access-Control-Allow-Methods", "GET, POST, PUT, DELETE, OPTIONS");
  res.header("Access-Control-Allow-Headers", "X-Requested-With, Content-Type, Authorization");
}

Response Dispatcher::route(Request& req, std::string& user_for_log) {
  if (req.method == "OPTIONS") {
    req.route = "OPTIONS";
    return Response::json(200, "{}");  // CORS preflight runs no endpoint logic
  }
  const auto method = RouteTable::parseMethod(req.method);
  RouteMatch m = method ? routes_.match(*method, req.path) : RouteMatch{};
  if (m.route == nullptr) {
    req.route = m.path_exists ? "(wrong method)" : "(unknown)";
    if (m.path_exists || (!method && routes_.match(Method::Get, req.path).route)) {
      throw MatrixError(ErrCode::Unrecognized, "Method not allowed", 405);
    }
    throw MatrixError(ErrCode::Unrecognized, "Unrecognized request");
  }
  const Route& r = *m.route;
  req.route = r.path;
  req.path_params = std::move(m.params);
  const int64_t limit = r.max_body >= 0 ? r.max_body : max_json_body_;
  if (static_cast<int64_t>(req.body.size()) > limit) {
    throw MatrixError(ErrCode::TooLarge, "Request body too large");
  }
  const Requester who = authenticate(r, req, user_for_log);
  return r.handler(req, who);
}

Requester Dispatcher::authenticate(const Route& r, const Request& req, std::string& user_for_log) {
  Requester who;
  if (r.auth == Auth::None) {
    return who;
  }
  if (r.auth == Auth::ServerSignature) {
    if (origins_ == nullptr) {
      throw MatrixError(ErrCode::Unauthorized, "Server-signed requests are not accepted here");
    }
    who.origin = origins_->authenticate(req);
    user_for_log = who.originName();
    return who;
  }
  auto token = accessTokenOf(req);
  if (token) {
    who = auth_.authenticate(*token);
    user_for_log = who.userId().str();
  } else if (r.auth == Auth::AccessToken) {
    throw MatrixError(ErrCode::MissingToken, "Missing access token");
  }
  return who;
}

// The only try/catch of the request path: MatrixError goes to the client as is; any other
// exception is logged with the request id and becomes a generic 500.
Response Dispatcher::handle(Request& req) noexcept {
  const auto start = std::chrono::steady_clock::now();
  std::string user = "-";
  Response res;
  try {
    res = route(req, user);
  } catch (const MatrixError& e) {
    res = errorResponse(e);
  } catch (const std::exception& e) {
    spdlog::error("request {} {} {} failed: {}", req.request_id, req.method, req.route, e.what());
    res = errorResponse(MatrixError(ErrCode::Unknown, "Internal server error"));
  }
  if (res.deferred) {
    return res;  // logged and counted when the deferred reply is sent
  }
  addCors(res);
  const double secs =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  metrics_.recordRequest(req.method, req.route, res.status, secs);
  spdlog::info("{} {} {} {} {:.1f}ms {}", req.request_id, req.method, req.route, res.status,
               secs * 1000, user);
  return res;
}

}  // namespace hs::http
