#pragma once
// Randomness for tokens and ids (libsodium's CSPRNG). Injected as an interface so tests can
// make ids predictable.
#include <string>

namespace hs::core {

class Random {
 public:
  virtual ~Random() = default;
  virtual std::string bytes(size_t n) = 0;
  // n random characters from [A-Za-z0-9]: device ids, media ids, session ids.
  std::string alnum(size_t n);
  // A token: `prefix` + URL-safe base64 of 32 random bytes.
  std::string token(const std::string& prefix);
};

class SodiumRandom final : public Random {
 public:
  std::string bytes(size_t n) override;
};

}  // namespace hs::core
