#include "federation/keys/key_ring.h"

#include <spdlog/spdlog.h>

#include <set>

#include "homeserver/core/base64.h"
#include "homeserver/core/json.h"

namespace hs::fed {

namespace {
// Servers whose fetch this thread is running. Verifying a notary's signature can need the
// notary's own keys: that nested fetch goes to the notary directly, never through notaries and
// never joining another thread's fetch, so two fetches can never wait on each other.
thread_local std::set<std::string> tl_fetching;
}  // namespace

std::optional<core::VerifyKey> KeyRing::ownKey(const std::string& key_id) const {
  const auto& key = own_.signingKey();
  const int64_t now = clock_.nowMs();
  if (key_id == key.keyId()) {
    return core::VerifyKey{std::string(key.publicKey()), now + OwnKeys::kValidityMs, std::nullopt};
  }
  const auto doc = json::tryParse(own_.serverKeysJson(now));
  const json::Value* old = json::member(*doc, "old_verify_keys");
  const json::Value* k = old != nullptr ? json::member(*old, key_id) : nullptr;
  if (k == nullptr) {
    return std::nullopt;
  }
  const int64_t expired = (*k)["expired_ts"].GetInt64();
  return core::VerifyKey{*core::base64Decode((*k)["key"].GetString()), expired, expired};
}

KeyRing::Keys KeyRing::cached(const std::string& server) {
  {
    std::lock_guard lock(mu_);
    auto it = memory_.find(server);
    if (it != memory_.end()) {
      return it->second;
    }
  }
  auto stored = store_.get(server);
  if (!stored) {
    return nullptr;
  }
  Keys keys = std::make_shared<const ServerKeys>(std::move(*stored));
  std::lock_guard lock(mu_);
  return memory_.emplace(server, keys).first->second;
}

KeyRing::Keys KeyRing::fetchNow(const std::string& server, int64_t min_valid_until_ts, bool notaries) {
  std::variant<ServerKeys, std::string> r;
  try {
    r = fetcher_.fetch(server, min_valid_until_ts, *this, notaries);
  } catch (const std::exception& e) {
    r = std::string(e.what());
  }
  if (auto* error = std::get_if<std::string>(&r)) {
    spdlog::warn("keys of {}: {}", server, *error);
    return nullptr;
  }
  auto keys = std::make_shared<const ServerKeys>(std::move(std::get<ServerKeys>(r)));
  store_.put(*keys);
  return keys;
}

KeyRing::Keys KeyRing::refresh(const std::string& server, int64_t min_valid_until_ts) {
  if (tl_fetching.count(server) != 0) {
    return nullptr;
  }
  if (!tl_fetching.empty()) {  // nested: see tl_fetching
    Keys keys = fetchNow(server, min_valid_until_ts, false);
    if (keys) {
      std::lock_guard lock(mu_);
      memory_[server] = keys;
    }
    return keys;
  }
  std::shared_future<Keys> joined;
  std::promise<Keys> mine;
  {
    std::lock_guard lock(mu_);
    auto failed = failed_until_.find(server);
    if (failed != failed_until_.end() && failed->second > clock_.nowMs()) {
      return nullptr;
    }
    auto it = in_flight_.find(server);
    if (it != in_flight_.end()) {
      joined = it->second;
    } else {
      in_flight_.emplace(server, mine.get_future().share());
    }
  }
  if (joined.valid()) {
    return joined.get();
  }
  Keys keys;
  tl_fetching.insert(server);
  try {
    keys = fetchNow(server, min_valid_until_ts, true);
  } catch (const std::exception& e) {  // the store failed: the waiters must still be answered
    spdlog::error("storing keys of {}: {}", server, e.what());
  }
  tl_fetching.erase(server);
  {
    std::lock_guard lock(mu_);
    if (keys) {
      memory_[server] = keys;
      failed_until_.erase(server);
    } else {
      failed_until_[server] = clock_.nowMs() + kFailureMemoryMs;
    }
    in_flight_.erase(server);
  }
  mine.set_value(keys);
  return keys;
}

std::optional<core::VerifyKey> KeyRing::verifyKey(const std::string& server, const std::string& key_id,
                                                  int64_t min_valid_until_ts) {
  if (server == own_.serverName()) {
    return ownKey(key_id);
  }
  auto usable = [&](const Keys& keys) -> std::optional<core::VerifyKey> {
    if (!keys) {
      return std::nullopt;
    }
    auto it = keys->keys.find(key_id);
    if (it == keys->keys.end() || it->second.valid_until_ts < min_valid_until_ts) {
      return std::nullopt;
    }
    return it->second;
  };
  const Keys known = cached(server);
  if (auto k = usable(known)) {
    return k;
  }
  if (known && known->fetched_ts + kRefetchMs > clock_.nowMs()) {
    return std::nullopt;  // just fetched, and the key was not there
  }
  return usable(refresh(server, min_valid_until_ts));
}

std::optional<std::string> KeyRing::responseFor(const std::string& server, int64_t min_valid_until_ts) {
  if (server == own_.serverName()) {
    return own_.serverKeysJson(clock_.nowMs());
  }
  Keys keys = cached(server);
  if (!keys || (keys->valid_until_ts < min_valid_until_ts && keys->fetched_ts + kRefetchMs <= clock_.nowMs())) {
    if (Keys fresh = refresh(server, min_valid_until_ts)) {
      keys = fresh;
    }
  }
  if (!keys) {
    return std::nullopt;
  }
  return keys->response_json;
}

}  // namespace hs::fed
