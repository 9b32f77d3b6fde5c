#pragma once
// Who made a request: a local user with an access token (client API) or a remote server that
// signed it (federation, X-Matrix). Core types, so services can take them without knowing
// about HTTP.
#include <cstdint>
#include <optional>
#include <string>

#include "homeserver/core/ids.h"

namespace hs::core {

// A remote server whose request signature was verified.
struct Origin {
  std::string server_name;
};

struct Requester {
  std::optional<UserId> user;  // empty for unauthenticated and server-signed requests
  std::string device_id;
  int64_t session_id = 0;         // the access-token session, for logout
  std::optional<Origin> origin;  // set on server-signed (federation) requests
  bool is_guest = false;  // a guest account (spec "Guest access"): most routes refuse it
  const UserId& userId() const { return *user; }
  const std::string& originName() const { return origin->server_name; }
};

// Resolves an access token to its requester; throws MatrixError(UnknownToken) otherwise.
class AccessTokenAuthenticator {
 public:
  virtual ~AccessTokenAuthenticator() = default;
  virtual Requester authenticate(const std::string& access_token) = 0;
};

}  // namespace hs::core
