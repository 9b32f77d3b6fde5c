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

#include <atomic>
#include <thread>

#include "homeserver/services/streams/notifier.h"

namespace hs::streams {
namespace {

TEST(Notifier, NotifyWakesOnlyThatUsersWaitersOnce) {
  Notifier n;
  std::atomic<int> alice{0}, bob{0};
  std::atomic<bool> alice_timed_out{true};
  n.park("@alice:x", std::chrono::seconds(30), [&](bool t) { alice_timed_out = t; ++alice; });
  n.park("@bob:x", std::chrono::seconds(30), [&](bool) { ++bob; });
  n.notifyUsers({"@alice:x"});
  n.notifyUsers({"@alice:x"});
  EXPECT_EQ(alice.load(), 1);
  EXPECT_FALSE(alice_timed_out.load());
  EXPECT_EQ(bob.load(), 0);
  EXPECT_EQ(n.parkedCount(), 1u);
}

TEST(Notifier, TimeoutWakesWithTimedOut) {
  Notifier n;
  std::atomic<int> woken{0};
  std::atomic<bool> timed_out{false};
  n.park("@a:x", std::chrono::milliseconds(30), [&](bool t) { timed_out = t; ++woken; });
  for (int i = 0; i < 200 && woken.load() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(woken.load(), 1);
  EXPECT_TRUE(timed_out.load());
  n.notifyUsers({"@a:x"});
  EXPECT_EQ(woken.load(), 1);
}

TEST(Notifier, StopWakesEveryone) {
  Notifier n;
  std::atomic<int> woken{0};
  for (int i = 0; i < 5; ++i) {
    n.park("@u" + std::to_string(i) + ":x", std::chrono::seconds(60), [&](bool) { ++woken; });
  }
  n.stop();
  EXPECT_EQ(woken.load(), 5);
}

}  // namespace
}  // namespace hs::streams
