#pragma once
// Other servers' signing keys, for X-Matrix request checks, event signature checks and the
// notary endpoints: cached in memory and PostgreSQL until valid_until_ts (at most 7 days),
// fetched when missing or stale. Concurrent lookups of one server share one fetch; a failed
// fetch is remembered for kFailureMemoryMs so a dead server is not hammered, and a server is
// not refetched more than once a kRefetchMs for keys it did not list.
#include <cstdint>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "federation/keys/key_fetcher.h"
#include "federation/keys/key_store.h"
#include "federation/keys/own_keys.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/server_keys.h"

namespace hs::fed {

class KeyRing final : public core::ServerKeyLookup {
 public:
  static constexpr int64_t kFailureMemoryMs = 30 * 1000;
  static constexpr int64_t kRefetchMs = 60 * 1000;

  KeyRing(ServerKeyStore& store, KeyFetcher& fetcher, const OwnKeys& own, const core::Clock& clock)
      : store_(store), fetcher_(fetcher), own_(own), clock_(clock) {}

  std::optional<core::VerifyKey> verifyKey(const std::string& server, const std::string& key_id,
                                           int64_t min_valid_until_ts) override;
  // A notary's answer for `server`: its latest origin-signed response, refreshed when it is
  // not valid until `min_valid_until_ts` (the last copy is served when the origin is down).
  // Our own name gives our current response. nullopt when nothing is known.
  std::optional<std::string> responseFor(const std::string& server, int64_t min_valid_until_ts);

 private:
  using Keys = std::shared_ptr<const ServerKeys>;
  Keys cached(const std::string& server);
  // Fetches (or joins a fetch in progress); null when it failed or failed recently.
  Keys refresh(const std::string& server, int64_t min_valid_until_ts);
  Keys fetchNow(const std::string& server, int64_t min_valid_until_ts, bool notaries);
  std::optional<core::VerifyKey> ownKey(const std::string& key_id) const;

  ServerKeyStore& store_;
  KeyFetcher& fetcher_;
  const OwnKeys& own_;
  const core::Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Keys> memory_;                           // guarded by mu_
  std::map<std::string, std::shared_future<Keys>> in_flight_;    // guarded by mu_
  std::map<std::string, int64_t> failed_until_;                  // guarded by mu_
};

}  // namespace hs::fed
