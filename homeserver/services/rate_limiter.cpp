#include "homeserver/services/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "homeserver/core/matrix_error.h"

namespace hs::services {

namespace {
constexpr size_t kMaxKeys = 100000;  // bounds memory under a flood of distinct keys
}

void RateLimiter::check(const std::string& key) {
  if (!enabled_) {
    return;
  }
  const int64_t now = clock_.nowMs();
  std::lock_guard lock(mu_);
  if (buckets_.size() > kMaxKeys) {
    // Full buckets carry no information: drop them.
    std::erase_if(buckets_, [&](const auto& kv) {
      return kv.second.tokens + (now - kv.second.updated_ms) / 1000.0 * per_second_ >= burst_;
    });
  }
  auto [it, inserted] = buckets_.try_emplace(key, Bucket{burst_, now});
  Bucket& b = it->second;
  b.tokens = std::min(burst_, b.tokens + (now - b.updated_ms) / 1000.0 * per_second_);
  b.updated_ms = now;
  if (b.tokens >= 1.0) {
    b.tokens -= 1.0;
    return;
  }
  const auto wait_ms = static_cast<int64_t>(std::ceil((1.0 - b.tokens) / per_second_ * 1000.0));
  throw core::MatrixError(core::ErrCode::LimitExceeded, "Too many requests").withRetryAfterMs(wait_ms);
}

}  // namespace hs::services
