// Long-polling /sync over real HTTP: woken early by another user's activity, or answered
// empty (but valid) when the timeout passes. Timeouts are short to keep the suite fast.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

using std::chrono::milliseconds;
using SteadyClock = std::chrono::steady_clock;

class SyncLongPoll : public RoomSuite<SyncLongPoll> {
 protected:
  struct Timed {
    HttpResult result;
    milliseconds elapsed;
  };
  // Starts a long-poll now; the returned future holds the response and how long it took.
  static std::future<Timed> longPoll(const User& u, const std::string& since, int timeout_ms) {
    const std::string path = kV3 + "/sync?timeout=" + std::to_string(timeout_ms) + "&since=" + enc(since);
    const std::string token = u.token;
    return std::async(std::launch::async, [path, token] {
      const auto start = SteadyClock::now();
      HttpResult r = s().get(path, token);
      return Timed{std::move(r), std::chrono::duration_cast<milliseconds>(SteadyClock::now() - start)};
    });
  }
  static void settle() { std::this_thread::sleep_for(milliseconds(200)); }
};

TEST_F(SyncLongPoll, ReturnsEarlyWhenAnotherUserSends) {
  const User a = newUser("lp");
  const User b = newUser("lpb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string since = str(sync(a), "next_batch");
  auto pending = longPoll(a, since, 10000);
  settle();
  const std::string id = send(b, room, "wake up");
  const Timed t = pending.get();
  ASSERT_EQ(t.result.status, 200) << t.result.body;
  EXPECT_LT(t.elapsed.count(), 5000) << "the long-poll waited for its timeout";
  const auto doc = t.result.json();
  ASSERT_TRUE(doc["rooms"]["join"].HasMember(room.c_str())) << t.result.body;
  EXPECT_EQ(eventIds(doc["rooms"]["join"][room.c_str()]["timeline"]["events"]), std::vector<std::string>{id});
  // The next batch does not repeat it.
  const auto again = sync(a, "since=" + enc(str(doc, "next_batch")));
  EXPECT_FALSE(again["rooms"]["join"].HasMember(room.c_str()));
}

TEST_F(SyncLongPoll, TimesOutWithAnEmptyValidResponse) {
  const User a = newUser("lpt");
  const std::string room = createRoom(a);
  const std::string since = str(sync(a), "next_batch");
  auto pending = longPoll(a, since, 500);
  const Timed t = pending.get();
  ASSERT_EQ(t.result.status, 200) << t.result.body;
  EXPECT_GE(t.elapsed.count(), 400);
  EXPECT_LT(t.elapsed.count(), 5000);
  const auto doc = t.result.json();
  ASSERT_TRUE(doc["next_batch"].IsString());
  EXPECT_EQ(doc["rooms"]["join"].MemberCount(), 0u);
  EXPECT_EQ(doc["rooms"]["invite"].MemberCount(), 0u);
  EXPECT_EQ(doc["rooms"]["leave"].MemberCount(), 0u);
  // The returned token still works.
  const auto next = sync(a, "since=" + enc(str(doc, "next_batch")));
  EXPECT_TRUE(next["next_batch"].IsString());
  (void)room;
}

TEST_F(SyncLongPoll, ActivityElsewhereDoesNotWakeAnOutsider) {
  const User a = newUser("lpo");
  const User outsider = newUser("lpoout");
  const std::string room = publicRoom(a);
  const std::string since = str(sync(outsider), "next_batch");
  auto pending = longPoll(outsider, since, 700);
  settle();
  send(a, room, "not for the outsider");
  const Timed t = pending.get();
  ASSERT_EQ(t.result.status, 200);
  EXPECT_GE(t.elapsed.count(), 600);
  EXPECT_EQ(t.result.json()["rooms"]["join"].MemberCount(), 0u);
}

TEST_F(SyncLongPoll, AnInviteWakesTheInvitee) {
  const User a = newUser("lpi");
  const User b = newUser("lpib");
  const std::string room = createRoom(a, R"({"name":"Wake"})");
  const std::string since = str(sync(b), "next_batch");
  auto pending = longPoll(b, since, 10000);
  settle();
  ASSERT_EQ(invite(a, room, b.id).status, 200);
  const Timed t = pending.get();
  ASSERT_EQ(t.result.status, 200);
  EXPECT_LT(t.elapsed.count(), 5000);
  EXPECT_TRUE(t.result.json()["rooms"]["invite"].HasMember(room.c_str())) << t.result.body;
}

TEST_F(SyncLongPoll, BeingKickedWakesAndShowsTheLeave) {
  const User a = newUser("lpk");
  const User b = newUser("lpkb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string since = str(sync(b), "next_batch");
  auto pending = longPoll(b, since, 10000);
  settle();
  ASSERT_EQ(s().post(kV3 + "/rooms/" + enc(room) + "/kick", R"({"user_id":")" + b.id + "\"}", a.token).status, 200);
  const Timed t = pending.get();
  ASSERT_EQ(t.result.status, 200);
  EXPECT_LT(t.elapsed.count(), 5000);
  EXPECT_TRUE(t.result.json()["rooms"]["leave"].HasMember(room.c_str())) << t.result.body;
}

}  // namespace
}  // namespace hs::test::rooms_e2e
