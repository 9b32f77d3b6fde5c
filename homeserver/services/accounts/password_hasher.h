#pragma once
// argon2id password hashes through libsodium's crypto_pwhash_str.
#include <chrono>
#include <cstdint>
#include <semaphore>
#include <string>

namespace hs::accounts {

class PasswordHasher {
 public:
  // At most `max_concurrent` hashes or verifications run at once, each holding
  // mem_limit_kib of memory: a flood of password checks (96 at once took the server to
  // 624 MiB) then waits instead of allocating. A check that cannot start within `max_wait`
  // is refused with 429 M_LIMIT_EXCEEDED.
  PasswordHasher(uint64_t ops_limit, uint64_t mem_limit_kib, int max_concurrent = defaultConcurrency(),
                 std::chrono::milliseconds max_wait = std::chrono::seconds(10));
  std::string hash(const std::string& password) const;
  // Constant-time verification; false for a malformed hash too.
  bool verify(const std::string& password, const std::string& hash) const;
  // One per core, at least 2.
  static int defaultConcurrency();

 private:
  static constexpr int kMaxConcurrent = 64;
  // Holds one of the slots for its lifetime.
  class Slot {
   public:
    explicit Slot(const PasswordHasher& hasher);
    ~Slot();
    Slot(const Slot&) = delete;
    Slot& operator=(const Slot&) = delete;

   private:
    const PasswordHasher& hasher_;
  };

  uint64_t ops_limit_;
  uint64_t mem_limit_bytes_;
  std::chrono::milliseconds max_wait_;
  mutable std::counting_semaphore<kMaxConcurrent> slots_;
};

}  // namespace hs::accounts
