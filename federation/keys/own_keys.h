#pragma once
// This server's keys as published at GET /_matrix/key/v2/server: the signing key as
// verify_keys, rotated keys (their public halves) as old_verify_keys, self-signed.
#include <cstdint>
#include <string>
#include <vector>

#include "homeserver/core/signing.h"

namespace hs::fed {

struct OldVerifyKey {
  std::string key_id;      // ed25519:<version>
  std::string public_key;  // unpadded base64
  int64_t expired_ts = 0;
};

// Lines `ed25519 <version> <base64 public key> <expired_ts>`; blank lines and # comments are
// skipped. A missing file is no old keys; a malformed line throws std::runtime_error.
std::vector<OldVerifyKey> loadOldVerifyKeys(const std::string& path);
void appendOldVerifyKey(const std::string& path, const OldVerifyKey& key);

// Replaces the key file with a fresh key and records the current one (public half, expired
// now) in the old keys file, so it stays published. Returns the new key id.
std::string rotateSigningKey(const std::string& key_path, const std::string& old_keys_path,
                             int64_t now_ms);

class OwnKeys {
 public:
  static constexpr int64_t kValidityMs = 24LL * 3600 * 1000;  // valid_until_ts: a day ahead

  OwnKeys(std::string server_name, const core::SigningKey& key, std::vector<OldVerifyKey> old)
      : server_name_(std::move(server_name)), key_(key), old_(std::move(old)) {}
  const std::string& serverName() const { return server_name_; }
  const core::SigningKey& signingKey() const { return key_; }
  // The signed key object served at /_matrix/key/v2/server.
  std::string serverKeysJson(int64_t now_ms) const;
  // Adds this server's signature to a JSON object (notary responses).
  std::string countersign(const std::string& json_object) const;

 private:
  std::string server_name_;
  const core::SigningKey& key_;
  std::vector<OldVerifyKey> old_;
};

}  // namespace hs::fed
