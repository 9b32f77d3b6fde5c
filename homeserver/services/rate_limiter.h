#pragma once
// Token-bucket rate limits keyed by a string (an IP, a user id). In memory: a restart
// forgives everyone, which is acceptable for abuse limits.
#include <cstdint>
#include <mutex>
#include <string>
#include <unordered_map>

#include "homeserver/core/clock.h"

namespace hs::services {

class RateLimiter {
 public:
  RateLimiter(const core::Clock& clock, double per_second, double burst, bool enabled)
      : clock_(clock), per_second_(per_second), burst_(burst), enabled_(enabled) {}
  // Takes one token for `key`; throws MatrixError(LimitExceeded) with retry_after_ms when
  // the bucket is empty.
  void check(const std::string& key);

 private:
  struct Bucket {
    double tokens;
    int64_t updated_ms;
  };
  const core::Clock& clock_;
  double per_second_;
  double burst_;
  bool enabled_;
  std::mutex mu_;
  std::unordered_map<std::string, Bucket> buckets_;  // guarded by mu_
};

}  // namespace hs::services
