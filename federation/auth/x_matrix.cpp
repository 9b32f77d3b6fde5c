#include "federation/auth/x_matrix.h"

#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/x_matrix.h"

namespace hs::fed {

using core::ErrCode;
using core::MatrixError;

namespace {
[[noreturn]] void unauthorized(const std::string& why) { throw MatrixError(ErrCode::Unauthorized, why); }
}  // namespace

core::Origin XMatrixAuthenticator::authenticate(const http::Request& req) {
  const std::string* header = req.header("authorization");
  if (header == nullptr) {
    unauthorized("Missing Authorization header");
  }
  const auto auth = core::parseXMatrixAuthorization(*header);
  if (!auth) {
    unauthorized("Malformed X-Matrix Authorization header");
  }
  if (auth->destination && *auth->destination != our_name_) {
    unauthorized("Request is for another server");
  }
  if (!core::isValidServerName(auth->origin) || auth->origin == our_name_) {
    unauthorized("Bad origin");
  }
  // The body is signed as parsed JSON; a body that is not JSON cannot carry a valid signature.
  std::optional<json::Document> content;
  if (!req.body.empty()) {
    content = json::tryParse(req.body);
    if (!content) {
      throw MatrixError(ErrCode::NotJson, "Request body is not JSON");
    }
  }
  const auto key = keys_.verifyKey(auth->origin, auth->key_id, clock_.nowMs());
  if (!key || key->expired_ts) {
    unauthorized("Unknown or expired key " + auth->key_id + " of " + auth->origin);
  }
  bool valid = false;
  try {
    valid = core::verifyXMatrixRequest(*auth, req.method, req.target, our_name_,
                                       content ? &*content : nullptr, key->public_key);
  } catch (const MatrixError&) {
    throw MatrixError(ErrCode::BadJson, "Request body is not canonicalizable JSON");
  }
  if (!valid) {
    unauthorized("Invalid X-Matrix signature");
  }
  if (on_verified_) {
    on_verified_(auth->origin);
  }
  return core::Origin{auth->origin};
}

}  // namespace hs::fed
