#pragma once
// Requests to other homeservers: server discovery, then one request over the shared outbound
// client, signed with X-Matrix over the method, the request target as sent and the body.
// Discovery may block (DNS, well-known), so it runs on the resolver pool; the request itself
// holds no thread while it waits.
#include <cstdint>
#include <optional>
#include <string>

#include "federation/client/server_discovery.h"
#include "federation/keys/own_keys.h"
#include "homeserver/core/thread_pool.h"
#include "homeserver/net/outbound_client.h"

namespace hs::fed {

struct FederationRequest {
  std::string destination;                // a server name (before delegation)
  std::string method = "GET";
  std::string target;                     // path and ?query, percent-encoded, exactly as sent
  std::optional<std::string> json_body;   // a JSON object, or none
  bool sign = true;                       // /_matrix/key/* requests need no signature
  int64_t timeout_ms = 60000;
  size_t max_response_bytes = 4 * 1024 * 1024;
};

class FederationClient {
 public:
  FederationClient(net::OutboundClient& client, ServerDiscovery& discovery, const OwnKeys& keys,
                   core::ThreadPool& resolver_pool)
      : client_(client), discovery_(discovery), keys_(keys), resolver_pool_(resolver_pool) {}

  // `done` runs exactly once: on the outbound loop thread, or on a resolver pool thread when
  // discovery failed. Keep it short.
  void request(FederationRequest req, net::OutboundClient::Callback done);
  // Blocking form for pool threads (never the outbound loop or the resolver pool).
  net::HttpResult requestSync(FederationRequest req);
  ServerDiscovery& discovery() { return discovery_; }

 private:
  void send(const FederationRequest& req, const ResolvedServer& where, net::OutboundClient::Callback done);

  net::OutboundClient& client_;
  ServerDiscovery& discovery_;
  const OwnKeys& keys_;
  core::ThreadPool& resolver_pool_;
};

}  // namespace hs::fed
