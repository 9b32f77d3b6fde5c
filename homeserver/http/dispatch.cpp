#include "homeserver/http/dispatch.h"

#include <spdlog/spdlog.h>

#include <chrono>
#include <functional>
#include <stdexcept>

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

namespace {
void noteRoute(Request& req, const std::string& user, int64_t deadline_ms = 0) {
  if (req.responder) {
    req.responder->onRouted(RouteNote{req.route, user, deadline_ms});
  }
}
}  // namespace

BodyPolicy Dispatcher::bodyPolicy(const std::string& method, const std::string& path) const {
  const auto m = RouteTable::parseMethod(method);
  const RouteMatch match = m ? routes_.match(*m, path) : RouteMatch{};
  if (match.route == nullptr) {
    return BodyPolicy{max_json_body_, false};
  }
  const Route& r = *match.route;
  return BodyPolicy{r.max_body >= 0 ? r.max_body : max_json_body_, r.stream != nullptr};
}

// Route lookup, the body limit and authentication: the route, with who is asking.
const Route& Dispatcher::routeOf(Request& req, Requester& who, std::string& user_for_log) {
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
  if (const auto bad = paramWithControlCharacter(req)) {
    throw MatrixError(ErrCode::InvalidParam, "Parameter '" + *bad + "' contains a control character");
  }
  const int64_t limit = r.max_body >= 0 ? r.max_body : max_json_body_;
  if (static_cast<int64_t>(req.body.size()) > limit) {
    throw MatrixError(ErrCode::TooLarge, "Request body too large");
  }
  who = authenticate(r, req, user_for_log);
  noteRoute(req, user_for_log, r.deadline_ms);
  return r;
}

Response Dispatcher::route(Request& req, std::string& user_for_log) {
  if (req.method == "OPTIONS") {
    req.route = "OPTIONS";
    noteRoute(req, user_for_log);
    return Response::json(200, "{}");  // CORS preflight runs no endpoint logic
  }
  Requester who;
  const Route& r = routeOf(req, who, user_for_log);
  if (r.stream) {  // a caller that buffered the body itself (tests): one piece
    auto sink = r.stream(req, who);
    if (!req.body.empty()) {
      sink->write(req.body);
    }
    return sink->finish();
  }
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
    if (who.is_guest && !r.guests) {
      throw MatrixError(ErrCode::GuestAccessForbidden, "Guest access is not allowed here");
    }
  } else if (r.auth == Auth::AccessToken) {
    throw MatrixError(ErrCode::MissingToken, "Missing access token");
  }
  return who;
}

// The only try/catch of the request path: MatrixError goes to the client as is; any other
// exception is logged with the request id and becomes a generic 500.
// `user` is noted with the route when an error ends the request before a handler could note it.
Response Dispatcher::guarded(Request& req, const std::string* user,
                             const std::function<Response()>& run) noexcept {
  Response res;
  try {
    res = run();
  } catch (const MatrixError& e) {
    res = errorResponse(e);
  } catch (const std::exception& e) {
    const auto known = translate_ ? translate_(e) : std::nullopt;
    spdlog::error("request {} {} {} failed: {}", req.request_id, req.method, req.route, e.what());
    res = errorResponse(known ? *known : MatrixError(ErrCode::Unknown, "Internal server error"));
  }
  if (res.status >= 400 && user != nullptr) {
    noteRoute(req, *user);
  }
  if (!res.deferred) {
    addCors(res);
  }
  return res;
}

Response Dispatcher::handle(Request& req) noexcept {
  std::string user = "-";
  return guarded(req, &user, [&] { return route(req, user); });
}

StreamStart Dispatcher::beginStream(Request& req) noexcept {
  std::string user = "-";
  StreamStart start;
  start.response = guarded(req, &user, [&] {
    Requester who;
    const Route& r = routeOf(req, who, user);
    if (!r.stream) {
      throw std::logic_error("beginStream on a route without a StreamHandler");
    }
    start.sink = r.stream(req, who);
    return Response{};  // unused: the sink answers once the body has arrived
  });
  return start;
}

std::optional<Response> Dispatcher::writeStream(Request& req, BodySink& sink,
                                                std::string_view piece) noexcept {
  bool written = false;
  Response res = guarded(req, nullptr, [&] {
    sink.write(piece);
    written = true;
    return Response{};
  });
  return written ? std::nullopt : std::optional<Response>(std::move(res));
}

Response Dispatcher::finishStream(Request& req, BodySink& sink) noexcept {
  return guarded(req, nullptr, [&] { return sink.finish(); });
}

}  // namespace hs::http
