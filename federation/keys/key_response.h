#pragma once
// Checking a server's key response (GET /_matrix/key/v2/server, or one entry of a notary's
// server_keys): the right server, well-formed keys, and a valid signature by the server for
// every signature it carries under its own name (at least one, each by a listed verify key).
#include <cstdint>
#include <string>
#include <variant>

#include "federation/keys/key_store.h"
#include "homeserver/core/json.h"

namespace hs::fed {

constexpr int64_t kMaxKeyValidityMs = 7LL * 24 * 3600 * 1000;  // the spec's cap

// The keys, or why the response is refused. `now_ms` caps valid_until_ts.
std::variant<ServerKeys, std::string> checkKeyResponse(const json::Value& response,
                                                       const std::string& expected_server, int64_t now_ms);

// True when `response` carries a valid signature by `signer` with `key`.
bool signedBy(const json::Value& response, const std::string& signer, const std::string& key_id,
              const std::string& public_key_raw);

}  // namespace hs::fed
