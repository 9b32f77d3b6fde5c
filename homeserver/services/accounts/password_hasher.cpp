#include "homeserver/services/accounts/password_hasher.h"

#include <sodium.h>

#include <algorithm>
#include <stdexcept>
#include <thread>

#include "homeserver/core/matrix_error.h"

namespace hs::accounts {

namespace {
constexpr int64_t kRetryAfterMs = 1000;
}  // namespace

int PasswordHasher::defaultConcurrency() {
  return std::max(2, static_cast<int>(std::thread::hardware_concurrency()));
}

PasswordHasher::PasswordHasher(uint64_t ops_limit, uint64_t mem_limit_kib, int max_concurrent,
                               std::chrono::milliseconds max_wait)
    : ops_limit_(ops_limit), mem_limit_bytes_(mem_limit_kib * 1024), max_wait_(max_wait),
      slots_(std::clamp(max_concurrent, 1, kMaxConcurrent)) {}

PasswordHasher::Slot::Slot(const PasswordHasher& hasher) : hasher_(hasher) {
  if (!hasher_.slots_.try_acquire_for(hasher_.max_wait_)) {
    throw core::MatrixError(core::ErrCode::LimitExceeded, "Too many password checks at once")
        .withRetryAfterMs(kRetryAfterMs);
  }
}

PasswordHasher::Slot::~Slot() { hasher_.slots_.release(); }

std::string PasswordHasher::hash(const std::string& password) const {
  const Slot slot(*this);
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), ops_limit_,
                            static_cast<size_t>(mem_limit_bytes_),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    throw std::runtime_error("argon2id hashing failed (out of memory?)");
  }
  return out;
}

bool PasswordHasher::verify(const std::string& password, const std::string& hash) const {
  if (hash.size() >= crypto_pwhash_STRBYTES) {
    return false;
  }
  const Slot slot(*this);
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

}  // namespace hs::accounts
