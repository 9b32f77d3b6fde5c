#pragma once
// Ed25519 server signing keys (libsodium) and JSON signatures (ALGORITHMS §3, §4).
#include <array>
#include <string>
#include <string_view>

#include "homeserver/core/json.h"

namespace hs::core {

// One ed25519 key pair and its key id "ed25519:<version>". The secret half is wiped when the
// object dies; the key can be moved (the source is wiped) but never copied.
class SigningKey {
 public:
  static constexpr size_t kSeedSize = 32;
  static constexpr size_t kPublicKeySize = 32;
  static constexpr size_t kSignatureSize = 64;
  static constexpr size_t kSecretKeySize = 64;

  // `seed` must be 32 raw bytes and `version` match [a-zA-Z0-9_]+, else std::invalid_argument.
  static SigningKey fromSeed(std::string version, std::string_view seed);
  // A fresh random key. An empty `version` gets a random one ("a_" + 4 alphanumerics), the
  // shape Synapse generates.
  static SigningKey generate(std::string version = {});
  // Key file as Synapse and Dendrite write it: one line `ed25519 <version> <base64 seed>`.
  // Parse errors and I/O errors throw std::runtime_error (the server refuses to start).
  static SigningKey parseKeyLine(std::string_view line);
  static SigningKey loadFile(const std::string& path);
  // Creates the file with mode 0600; throws std::runtime_error if it already exists, so a
  // key that others may have cached is never silently replaced.
  void writeFile(const std::string& path) const;

  SigningKey(const SigningKey&) = delete;
  SigningKey& operator=(const SigningKey&) = delete;
  SigningKey(SigningKey&& other) noexcept;
  SigningKey& operator=(SigningKey&& other) noexcept;
  ~SigningKey();

  const std::string& version() const { return version_; }
  std::string keyId() const { return "ed25519:" + version_; }
  std::string_view publicKey() const;  // 32 raw bytes
  std::string publicKeyBase64() const;
  std::string sign(std::string_view bytes) const;  // 64 raw bytes (detached signature)

 private:
  SigningKey() = default;
  std::string keyLine() const;  // contains the seed: the caller wipes it

  std::string version_;
  std::array<unsigned char, kPublicKeySize> public_{};
  std::array<unsigned char, kSecretKeySize> secret_{};  // libsodium layout: seed || public key
};

// Signs `obj` (an object) as `entity` per §3: everything but `signatures` and `unsigned` is
// signed; signatures already present are kept. Throws MatrixError(BadJson) when `obj` is not
// an object, has a non-object `signatures`, or is not canonicalizable.
void signJson(json::Document& obj, const std::string& entity, const SigningKey& key);

// Puts `signature_base64` at obj.signatures[entity][key_id], creating objects as needed.
void addSignature(json::Value& obj, json::Document::AllocatorType& alloc, const std::string& entity,
                  const std::string& key_id, const std::string& signature_base64);

// True when obj.signatures[entity][key_id] is a valid ed25519 signature by `public_key_raw32`.
// Unknown algorithms, a missing signature, bad base64 or wrong sizes all give false. Throws
// MatrixError(BadJson) when the object is not canonicalizable (floats, duplicate keys), which
// a caller must treat as a rejection too.
bool verifyJsonSignature(const json::Value& obj, const std::string& entity,
                         const std::string& key_id, std::string_view public_key_raw32);

}  // namespace hs::core
