#pragma once
// Fetching a server's keys over the network: directly (GET /_matrix/key/v2/server from the
// server itself), then through each trusted key server (POST /_matrix/key/v2/query), whose
// answer must carry both the origin's self-signature and the notary's signature.
#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "federation/client/federation_client.h"
#include "federation/keys/key_store.h"
#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/server_keys.h"

namespace hs::fed {

class KeyFetcher {
 public:
  static constexpr int64_t kTimeoutMs = 15000;

  KeyFetcher(FederationClient& client, std::vector<config::TrustedKeyServer> notaries, const core::Clock& clock)
      : client_(client), notaries_(std::move(notaries)), clock_(clock) {}

  // The server's keys, or why none could be had. `notary_keys` finds the notaries' own keys
  // (the key ring) when the config does not pin them. Blocks: pool threads only.
  // Without `notaries`, only the server itself is asked.
  std::variant<ServerKeys, std::string> fetch(const std::string& server, int64_t min_valid_until_ts,
                                              core::ServerKeyLookup& notary_keys, bool notaries = true);

 private:
  std::variant<ServerKeys, std::string> direct(const std::string& server);
  std::variant<ServerKeys, std::string> viaNotary(const config::TrustedKeyServer& notary,
                                                  const std::string& server, int64_t min_valid_until_ts,
                                                  core::ServerKeyLookup& notary_keys);
  bool notarySigned(const json::Value& entry, const config::TrustedKeyServer& notary,
                    core::ServerKeyLookup& notary_keys);

  FederationClient& client_;
  std::vector<config::TrustedKeyServer> notaries_;
  const core::Clock& clock_;
};

}  // namespace hs::fed
