#include "homeserver/services/ephemeral/typing.h"

#include <gtest/gtest.h>

#include <limits>

namespace hs::ephemeral {
namespace {

// A timeout of 2^63-1 ms used to mean "typing forever": it is clamped to 120 s.
TEST(TypingTracker, HugeTimeoutsAreClamped) {
  core::ManualClock clock(1'000'000);
  TypingTracker t(clock);
  ASSERT_TRUE(t.set("!r:x", "@a:x", true, std::numeric_limits<int64_t>::max()));
  clock.advance(119'999);
  EXPECT_EQ(t.typing("!r:x"), std::vector<std::string>{"@a:x"});
  clock.advance(2);
  EXPECT_TRUE(t.typing("!r:x").empty());
}

TEST(TypingTracker, NegativeTimeoutsExpireAtOnce) {
  core::ManualClock clock(1'000'000);
  TypingTracker t(clock);
  t.set("!r:x", "@a:x", true, std::numeric_limits<int64_t>::min());
  EXPECT_TRUE(t.typing("!r:x").empty());
}

}  // namespace
}  // namespace hs::ephemeral
