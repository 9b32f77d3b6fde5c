#include "homeserver/services/rate_limiter.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"

namespace hs::services {
namespace {

TEST(RateLimiter, BurstThenRefusedThenRefilled) {
  core::ManualClock clock(1000000);
  RateLimiter limiter(clock, 1.0, 2, true);
  limiter.check("ip");
  limiter.check("ip");
  try {
    limiter.check("ip");
    FAIL() << "third request must be limited";
  } catch (const core::MatrixError& e) {
    EXPECT_EQ(e.httpStatus(), 429);
    ASSERT_TRUE(e.retryAfterMs().has_value());
    EXPECT_EQ(*e.retryAfterMs(), 1000);
  }
  clock.advance(1000);
  EXPECT_NO_THROW(limiter.check("ip"));
}

TEST(RateLimiter, KeysAreIndependent) {
  core::ManualClock clock(0);
  RateLimiter limiter(clock, 0.1, 1, true);
  limiter.check("a");
  EXPECT_NO_THROW(limiter.check("b"));
  EXPECT_THROW(limiter.check("a"), core::MatrixError);
}

TEST(RateLimiter, DisabledNeverLimits) {
  core::ManualClock clock(0);
  RateLimiter limiter(clock, 0.001, 1, false);
  for (int i = 0; i < 100; ++i) {
    limiter.check("x");
  }
  SUCCEED();
}

}  // namespace
}  // namespace hs::services
