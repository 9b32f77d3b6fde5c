#pragma once
// Route lookup, authentication, limits, CORS, metrics and the one place that turns
// exceptions into Matrix error responses.
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "homeserver/core/matrix_error.h"
#include "homeserver/http/metrics.h"
#include "homeserver/http/route_table.h"

namespace hs::http {

using Authenticator = core::AccessTokenAuthenticator;

// Verifies a server-signed request (Authorization: X-Matrix, over the method, the raw request
// target and the body) and returns the origin; throws MatrixError(Unauthorized) otherwise.
class OriginAuthenticator {
 public:
  virtual ~OriginAuthenticator() = default;
  virtual core::Origin authenticate(const Request& req) = 0;
};

Response errorResponse(const core::MatrixError& e);
// The token from `Authorization: Bearer` or else the deprecated `access_token` query param.
std::optional<std::string> accessTokenOf(const Request& req);

// How the server reads a request's body, decided from its head before any body byte is read.
struct BodyPolicy {
  int64_t max_body = 0;
  bool streaming = false;  // into the route's BodySink, never buffered whole
};

// A streaming request once its head is handled: a sink for the body, or the answer already.
struct StreamStart {
  std::unique_ptr<BodySink> sink;
  Response response;  // when there is no sink
};

// Recognizes infrastructure failures that have a Matrix answer (the database being down is a
// 503, not a 500) without http knowing the library that threw them; nullopt for the rest.
using ErrorTranslator = std::function<std::optional<core::MatrixError>(const std::exception&)>;

class Dispatcher {
 public:
  Dispatcher(const RouteTable& routes, Authenticator& auth, Metrics& metrics,
             int64_t max_json_body, ErrorTranslator translate = {},
             OriginAuthenticator* origins = nullptr)
      : routes_(routes), auth_(auth), metrics_(metrics), max_json_body_(max_json_body),
        translate_(std::move(translate)), origins_(origins) {}

  // Never throws. A deferred response has been or will be sent through req.responder. The
  // server logs and counts each response when it is sent (see access_log.h).
  Response handle(Request& req) noexcept;
  // The route's body limit and whether its body streams; unknown paths get the JSON limit.
  BodyPolicy bodyPolicy(const std::string& method, const std::string& path) const;
  // Streaming routes: routing, authentication and the route's StreamHandler, before the body.
  StreamStart beginStream(Request& req) noexcept;
  // Hands one piece of the body to the sink; an error response ends the request.
  std::optional<Response> writeStream(Request& req, BodySink& sink, std::string_view piece) noexcept;
  Response finishStream(Request& req, BodySink& sink) noexcept;
  // Adds the CORS headers every client API response carries.
  static void addCors(Response& res);

 private:
  const Route& routeOf(Request& req, Requester& who, std::string& user_for_log);
  Response route(Request& req, std::string& user_for_log);
  Requester authenticate(const Route& r, const Request& req, std::string& user_for_log);
  Response guarded(Request& req, const std::string* user,
                   const std::function<Response()>& run) noexcept;
  const RouteTable& routes_;
  Authenticator& auth_;
  Metrics& metrics_;  // unused since responses are counted when sent (access_log.h)
  int64_t max_json_body_;
  ErrorTranslator translate_;
  OriginAuthenticator* origins_;  // null: no route of this table is server-signed
};

}  // namespace hs::http
