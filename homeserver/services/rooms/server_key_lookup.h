#pragma once
// The verify keys of other servers, as the checks on receipt of a PDU need them (ALGORITHMS
// §4, §7). The federation component implements it with its key store and fetcher; tests give
// a fixed set of keys.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hs::rooms {

struct VerifyKey {
  std::string public_key;  // 32 raw ed25519 bytes
  // A current key: until when its server vouches for it (the lookup caps it at now + 7 days).
  int64_t valid_until_ts = 0;
  // An old key (old_verify_keys): when its server stopped using it.
  std::optional<int64_t> expired_ts;
};

class ServerKeyLookup {
 public:
  virtual ~ServerKeyLookup() = default;
  // The keys among `key_ids` ("ed25519:abc") of `server` that are known or can be fetched,
  // by key id; an unknown key is left out. `minimum_valid_until_ts`: a cached key valid
  // until before then should be refreshed first (room versions 5+). May block on the network:
  // the pipeline never calls it while holding a room lock or a pooled connection.
  virtual std::map<std::string, VerifyKey> verifyKeys(const std::string& server,
                                                      const std::vector<std::string>& key_ids,
                                                      int64_t minimum_valid_until_ts) = 0;
};

}  // namespace hs::rooms
