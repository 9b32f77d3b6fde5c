#include "homeserver/services/openid/openid_service.h"

#include "homeserver/core/digest.h"
#include "homeserver/core/matrix_error.h"

namespace hs::openid {

OpenIdToken OpenIdService::issue(const std::string& user_id) {
  const int64_t now = clock_.nowMs();
  OpenIdToken t{random_.alnum(32), kLifetimeMs / 1000};
  store_.insert(core::sha256(t.access_token), user_id, now + kLifetimeMs, now);
  return t;
}

std::string OpenIdService::userInfo(const std::string& access_token) {
  // The lookup is by hash (an index probe), so timing reveals nothing of stored tokens.
  auto user = store_.userOf(core::sha256(access_token), clock_.nowMs());
  if (!user) {
    throw core::MatrixError(core::ErrCode::UnknownToken, "Unknown or expired OpenID token");
  }
  return std::move(*user);
}

}  // namespace hs::openid
