#pragma once
// Authenticating inbound federation requests (ALGORITHMS §9): the X-Matrix header is parsed
// (core/x_matrix.h, the pure parser), the origin's key looked up (fetched when unknown), and
// the signature checked over the method, the raw request target and the body as received,
// with this server as destination. Anything else is 401 M_UNAUTHORIZED before a handler runs.
#include <functional>
#include <string>

#include "homeserver/core/clock.h"
#include "homeserver/core/server_keys.h"
#include "homeserver/http/dispatch.h"

namespace hs::fed {

class XMatrixAuthenticator final : public http::OriginAuthenticator {
 public:
  XMatrixAuthenticator(std::string our_server_name, core::ServerKeyLookup& keys, const core::Clock& clock)
      : our_name_(std::move(our_server_name)), keys_(keys), clock_(clock) {}

  core::Origin authenticate(const http::Request& req) override;
  // Called with each verified origin (the sender drains a destination that is back).
  void setVerifiedHook(std::function<void(const std::string& origin)> hook) { on_verified_ = std::move(hook); }

 private:
  std::string our_name_;
  core::ServerKeyLookup& keys_;
  const core::Clock& clock_;
  std::function<void(const std::string&)> on_verified_;
};

}  // namespace hs::fed
