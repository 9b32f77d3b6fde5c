#include "homeserver/core/signing.h"

#include <fcntl.h>
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "homeserver/core/base64.h"
#include "homeserver/core/canonical_json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::core {

namespace {
constexpr std::string_view kEd25519Prefix = "ed25519:";
static_assert(SigningKey::kSeedSize == crypto_sign_SEEDBYTES);
static_assert(SigningKey::kPublicKeySize == crypto_sign_PUBLICKEYBYTES);
static_assert(SigningKey::kSecretKeySize == crypto_sign_SECRETKEYBYTES);
static_assert(SigningKey::kSignatureSize == crypto_sign_BYTES);

void ensureSodium() {
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium initialisation failed");
  }
}

bool validVersion(std::string_view version) {
  return !version.empty() && std::all_of(version.begin(), version.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
}

std::string randomVersion() {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string version = "a_";
  for (int i = 0; i < 4; ++i) {
    version += kChars[randombytes_uniform(sizeof(kChars) - 1)];
  }
  return version;
}

// Whitespace-separated fields of one line.
std::vector<std::string_view> fields(std::string_view line) {
  std::vector<std::string_view> out;
  size_t pos = 0;
  while (true) {
    pos = line.find_first_not_of(" \t\r\n", pos);
    if (pos == std::string_view::npos) {
      return out;
    }
    const size_t end = std::min(line.find_first_of(" \t\r\n", pos), line.size());
    out.push_back(line.substr(pos, end - pos));
    pos = end;
  }
}

void wipe(std::string& s) { sodium_memzero(s.data(), s.size()); }

// obj[key] as an object, added when missing. A non-object there is refused rather than
// overwritten, since it would drop whatever the sender put there.
json::Value& childObject(json::Value& obj, const std::string& key,
                         json::Document::AllocatorType& alloc) {
  auto it = obj.FindMember(json::Value(rapidjson::StringRef(key.data(), key.size())));
  if (it == obj.MemberEnd()) {
    obj.AddMember(json::Value(key.data(), key.size(), alloc), json::Value(rapidjson::kObjectType),
                  alloc);
    return (obj.MemberEnd() - 1)->value;
  }
  if (!it->value.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "'" + key + "' must be an object");
  }
  return it->value;
}
}  // namespace

SigningKey SigningKey::fromSeed(std::string version, std::string_view seed) {
  if (!validVersion(version)) {
    throw std::invalid_argument("signing key version must match [a-zA-Z0-9_]+");
  }
  if (seed.size() != kSeedSize) {
    throw std::invalid_argument("ed25519 seed must be 32 bytes");
  }
  ensureSodium();
  SigningKey key;
  key.version_ = std::move(version);
  crypto_sign_seed_keypair(key.public_.data(), key.secret_.data(),
                           reinterpret_cast<const unsigned char*>(seed.data()));
  return key;
}

SigningKey SigningKey::generate(std::string version) {
  ensureSodium();
  std::string seed(kSeedSize, '\0');
  randombytes_buf(seed.data(), seed.size());
  SigningKey key = fromSeed(version.empty() ? randomVersion() : std::move(version), seed);
  wipe(seed);
  return key;
}

SigningKey SigningKey::parseKeyLine(std::string_view line) {
  const auto parts = fields(line);
  if (parts.size() != 3 || parts[0] != "ed25519") {
    throw std::runtime_error("signing key line must be 'ed25519 <version> <base64 seed>'");
  }
  auto seed = base64Decode(parts[2]);
  if (!seed || seed->size() != kSeedSize || !validVersion(parts[1])) {
    throw std::runtime_error("signing key has a bad version or seed");
  }
  SigningKey key = fromSeed(std::string(parts[1]), *seed);
  wipe(*seed);
  return key;
}

SigningKey SigningKey::loadFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read signing key file " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  std::string text = ss.str();
  // Synapse allows several keys, one per line; the first is the one we sign with.
  std::string_view rest = text;
  const size_t start = rest.find_first_not_of(" \t\r\n");
  rest = start == std::string_view::npos ? std::string_view{} : rest.substr(start);
  try {
    SigningKey key = parseKeyLine(rest.substr(0, rest.find('\n')));
    wipe(text);
    return key;
  } catch (const std::runtime_error& e) {
    wipe(text);
    throw std::runtime_error(path + ": " + e.what());
  }
}

void SigningKey::writeFile(const std::string& path) const {
  // O_EXCL makes "refuse to overwrite" atomic; 0600 because the file holds the seed.
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    throw std::runtime_error("cannot create signing key file " + path + ": " +
                             std::strerror(errno));
  }
  std::string line = keyLine();
  const bool ok = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size()) &&
                  ::fsync(fd) == 0;
  wipe(line);
  ::close(fd);
  if (!ok) {
    ::unlink(path.c_str());
    throw std::runtime_error("cannot write signing key file " + path);
  }
}

SigningKey::SigningKey(SigningKey&& other) noexcept
    : version_(std::move(other.version_)), public_(other.public_), secret_(other.secret_) {
  sodium_memzero(other.secret_.data(), other.secret_.size());
}

SigningKey& SigningKey::operator=(SigningKey&& other) noexcept {
  if (this != &other) {
    version_ = std::move(other.version_);
    public_ = other.public_;
    secret_ = other.secret_;
    sodium_memzero(other.secret_.data(), other.secret_.size());
  }
  return *this;
}

SigningKey::~SigningKey() { sodium_memzero(secret_.data(), secret_.size()); }

std::string_view SigningKey::publicKey() const {
  return {reinterpret_cast<const char*>(public_.data()), public_.size()};
}

std::string SigningKey::publicKeyBase64() const { return base64Encode(publicKey()); }

std::string SigningKey::sign(std::string_view bytes) const {
  std::string sig(kSignatureSize, '\0');
  crypto_sign_detached(reinterpret_cast<unsigned char*>(sig.data()), nullptr,
                       reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
                       secret_.data());
  return sig;
}

std::string SigningKey::keyLine() const {
  std::string seed(reinterpret_cast<const char*>(secret_.data()), kSeedSize);
  std::string line = "ed25519 " + version_ + " " + base64Encode(seed) + "\n";
  wipe(seed);
  return line;
}

void signJson(json::Document& obj, const std::string& entity, const SigningKey& key) {
  if (!obj.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "only JSON objects can be signed");
  }
  const std::string sig = key.sign(canonicalJsonWithout(obj, {"signatures", "unsigned"}));
  addSignature(obj, obj.GetAllocator(), entity, key.keyId(), base64Encode(sig));
}

void addSignature(json::Value& obj, json::Document::AllocatorType& alloc, const std::string& entity,
                  const std::string& key_id, const std::string& signature_base64) {
  json::Value& by_entity = childObject(childObject(obj, "signatures", alloc), entity, alloc);
  json::Value sig(signature_base64.data(), signature_base64.size(), alloc);
  auto it = by_entity.FindMember(json::Value(rapidjson::StringRef(key_id.data(), key_id.size())));
  if (it != by_entity.MemberEnd()) {
    it->value = std::move(sig);
  } else {
    by_entity.AddMember(json::Value(key_id.data(), key_id.size(), alloc), sig, alloc);
  }
}

bool verifyJsonSignature(const json::Value& obj, const std::string& entity,
                         const std::string& key_id, std::string_view public_key_raw32) {
  if (key_id.rfind(kEd25519Prefix, 0) != 0 || public_key_raw32.size() != 32) {
    return false;  // unknown algorithm or unusable key
  }
  const json::Value* sigs = json::member(obj, "signatures");
  const json::Value* by_entity = sigs != nullptr ? json::member(*sigs, entity) : nullptr;
  const json::Value* sig = by_entity != nullptr ? json::member(*by_entity, key_id) : nullptr;
  if (sig == nullptr || !sig->IsString()) {
    return false;
  }
  const auto raw = base64Decode({sig->GetString(), sig->GetStringLength()});
  if (!raw || raw->size() != SigningKey::kSignatureSize) {
    return false;
  }
  ensureSodium();
  const std::string bytes = canonicalJsonWithout(obj, {"signatures", "unsigned"});
  return crypto_sign_verify_detached(
             reinterpret_cast<const unsigned char*>(raw->data()),
             reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size(),
             reinterpret_cast<const unsigned char*>(public_key_raw32.data())) == 0;
}

}  // namespace hs::core
