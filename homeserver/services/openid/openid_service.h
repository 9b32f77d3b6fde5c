#pragma once
// OpenID tokens (spec "OpenID"): a user asks for a token, hands it to a third party, and the
// third party asks our federation API who it belongs to. The token proves only the user id;
// it grants no access to the client API.
#include <cstdint>
#include <optional>
#include <string>

#include "homeserver/core/clock.h"
#include "homeserver/core/random.h"

namespace hs::openid {

class OpenIdStore {
 public:
  virtual ~OpenIdStore() = default;
  // Also drops expired tokens (a bounded table without a sweeper).
  virtual void insert(const std::string& token_hash, const std::string& user_id, int64_t expires_at,
                      int64_t now) = 0;
  // The user of an unexpired token.
  virtual std::optional<std::string> userOf(const std::string& token_hash, int64_t now) = 0;
};

struct OpenIdToken {
  std::string access_token;
  int64_t expires_in_s = 0;
};

class OpenIdService {
 public:
  static constexpr int64_t kLifetimeMs = 3600 * 1000;  // Synapse's too

  OpenIdService(OpenIdStore& store, core::Random& random, const core::Clock& clock)
      : store_(store), random_(random), clock_(clock) {}

  OpenIdToken issue(const std::string& user_id);
  // The user a token was issued to; M_UNKNOWN_TOKEN when it is unknown or expired.
  std::string userInfo(const std::string& access_token);

 private:
  OpenIdStore& store_;
  core::Random& random_;
  const core::Clock& clock_;
};

}  // namespace hs::openid
