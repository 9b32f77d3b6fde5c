#pragma once
// Looking up another server's signing keys (ALGORITHMS §4): the interface X-Matrix request
// checks and the room pipeline's event signature checks use. federation/keys implements it
// (PostgreSQL cache, fetched from the origin or a notary, self-signatures verified).
#include <cstdint>
#include <optional>
#include <string>

namespace hs::core {

struct VerifyKey {
  std::string public_key;                // 32 raw bytes
  int64_t valid_until_ts = 0;            // capped at fetch time + 7 days
  std::optional<int64_t> expired_ts;     // set for old_verify_keys: never valid for requests
};

class ServerKeyLookup {
 public:
  virtual ~ServerKeyLookup() = default;
  // The key `key_id` of `server`, fetching the server's keys when the cache has no such key
  // valid until at least `min_valid_until_ts` (0: any cached key). nullopt when it cannot be
  // found. May block on the network: call it from a worker thread.
  virtual std::optional<VerifyKey> verifyKey(const std::string& server, const std::string& key_id,
                                             int64_t min_valid_until_ts) = 0;
};

}  // namespace hs::core
