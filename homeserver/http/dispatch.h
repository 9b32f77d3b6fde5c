#pragma once
// Route lookup, authentication, limits, CORS, metrics and the one place that turns
// exceptions into Matrix error responses.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "homeserver/core/matrix_error.h"
#include "homeserver/http/metrics.h"
#include "homeserver/http/route_table.h"

namespace hs::http {

// Resolves an access token to its requester; throws MatrixError(UnknownToken) otherwise.
class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual Requester authenticate(const std::string& access_token) = 0;
};

Response errorResponse(const core::MatrixError& e);
// The token from `Authorization: Bearer` or else the deprecated `access_token` query param.
std::optional<std::string> accessTokenOf(const Request& req);

// Recognizes infrastructure failures that have a Matrix answer (the database being down is a
// 503, not a 500) without http knowing the library that threw them; nullopt for the rest.
using ErrorTranslator = std::function<std::optional<core::MatrixError>(const std::exception&)>;

class Dispatcher {
 public:
  Dispatcher(const RouteTable& routes, Authenticator& auth, Metrics& metrics,
             int64_t max_json_body)
      : routes_(routes), auth_(auth), metrics_(metrics), max_json_body_(max_json_body) {}

  // Never throws. A deferred response has been or will be sent through req.responder.
  Response handle(Request& req) noexcept;
  // Adds the CORS headers every client API response carries.
  static void addCors(Response& res);
  void setErrorTranslator(ErrorTranslator translate) { translate_ = std::move(translate); }

 private:
  Response route(Request& req, std::string& user_for_log);
  const RouteTable& routes_;
  Authenticator& auth_;
  Metrics& metrics_;
  int64_t max_json_body_;
  ErrorTranslator translate_;
};

}  // namespace hs::http
