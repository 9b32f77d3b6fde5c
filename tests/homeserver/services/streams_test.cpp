#include <gtest/gtest.h>

#include "homeserver/services/streams/stream_tracker.h"

namespace hs::streams {
namespace {

TEST(StreamTracker, SafePositionWaitsForTheOldestWriteInFlight) {
  StreamTracker t(10);
  EXPECT_EQ(t.safePosition(), 10);
  const int64_t a = t.begin();
  const int64_t b = t.begin();
  EXPECT_EQ(a, 11);
  EXPECT_EQ(b, 12);
  t.finish(b);
  EXPECT_EQ(t.safePosition(), 10);  // 11 may still commit: 12 is not visible yet
  t.finish(a);
  EXPECT_EQ(t.safePosition(), 12);
}

TEST(StreamTracker, ReservationFinishesOnScopeExit) {
  StreamTracker t(0);
  {
    StreamTracker::Reservation r(t);
    EXPECT_EQ(r.position(), 1);
    EXPECT_EQ(t.safePosition(), 0);
  }
  EXPECT_EQ(t.safePosition(), 1);
}

}  // namespace
}  // namespace hs::streams
