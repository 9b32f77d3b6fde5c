#pragma once
// outbound::RemoteCalls over the federation client: what the room services ask of other servers.
#include "federation/client/federation_client.h"
#include "homeserver/services/federation/remote_calls.h"

namespace hs::fed {

class FederationCalls : public outbound::RemoteCalls {
 public:
  explicit FederationCalls(FederationClient& client) : client_(client) {}
  outbound::RemoteReply call(const std::string& server, const std::string& method, const std::string& target,
                             const std::optional<std::string>& json_body) override;

 private:
  FederationClient& client_;
};

}  // namespace hs::fed
