#pragma once
// argon2id password hashes through libsodium's crypto_pwhash_str.
#include <cstdint>
#include <string>

namespace hs::accounts {

class PasswordHasher {
 public:
  PasswordHasher(uint64_t ops_limit, uint64_t mem_limit_kib)
      : ops_limit_(ops_limit), mem_limit_bytes_(mem_limit_kib * 1024) {}
  std::string hash(const std::string& password) const;
  // Constant-time verification; false for a malformed hash too.
  bool verify(const std::string& password, const std::string& hash) const;

 private:
  uint64_t ops_limit_;
  uint64_t mem_limit_bytes_;
};

}  // namespace hs::accounts
