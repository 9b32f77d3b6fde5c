#pragma once
// Other servers' keys as fetched: the response as its origin signed it (a notary serves it
// again) and the keys it lists. db/pg_server_key_store implements the storage.
#include <cstdint>
#include <map>
#include <optional>
#include <string>

#include "homeserver/core/server_keys.h"

namespace hs::fed {

struct ServerKeys {
  std::string server_name;
  std::string response_json;  // the origin-signed object (its signatures verify as stored)
  int64_t valid_until_ts = 0;  // capped at fetched_ts + 7 days
  int64_t fetched_ts = 0;
  std::map<std::string, core::VerifyKey> keys;  // key id -> key (verify and old)
};

class ServerKeyStore {
 public:
  virtual ~ServerKeyStore() = default;
  // The latest response and every key ever seen for the server.
  virtual std::optional<ServerKeys> get(const std::string& server_name) = 0;
  // Replaces the response; adds or updates its keys (keys seen before stay known).
  virtual void put(const ServerKeys& keys) = 0;
};

}  // namespace hs::fed
