#pragma once
// Remote users' profiles for the client API (GET /profile/{userId} of another server's user),
// asked of their server with GET /_matrix/federation/v1/query/profile.
#include "federation/client/federation_client.h"
#include "homeserver/services/accounts/profile_service.h"

namespace hs::fed {

class RemoteProfiles final : public accounts::RemoteProfileSource {
 public:
  static constexpr int64_t kTimeoutMs = 10000;
  explicit RemoteProfiles(FederationClient& client) : client_(client) {}
  std::optional<accounts::Profile> fetch(const core::UserId& user) override;

 private:
  FederationClient& client_;
};

}  // namespace hs::fed
