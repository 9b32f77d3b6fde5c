#pragma once
// Route lookup, authentication, limits, CORS, metrics and the one place that turns
// exceptions into Matrix error responses.
#include <cstdint>
#include <string>

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

class Dispatcher {
 public:
  Dispatcher(const RouteTable& routes, Authenticator& auth, Metrics& metrics,
             int64_t max_json_body, OriginAuthenticator* origins = nullptr)
      : routes_(routes), auth_(auth), metrics_(metrics), max_json_body_(max_json_body),
        origins_(origins) {}

  // Never throws. A deferred response has been or will be sent through req.responder.
  Response handle(Request& req) noexcept;
  // Adds the CORS headers every client API response carries.
  static void addCors(Response& res);

 private:
  Response route(Request& req, std::string& user_for_log);
  Requester authenticate(const Route& r, const Request& req, std::string& user_for_log);
  const RouteTable& routes_;
  Authenticator& auth_;
  Metrics& metrics_;
  int64_t max_json_body_;
  OriginAuthenticator* origins_;  // null: no route of this table is server-signed
};

}  // namespace hs::http
