// Device-list changes over real HTTP: who sees whose changes in /sync's device_lists and in
// /keys/changes, for key uploads, renames, deletions, joins and leaves.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <future>

#include "tests/support/e2ee_client.h"

namespace hs::test {
namespace {

bool has(const std::vector<std::string>& users, const std::string& user) {
  return std::find(users.begin(), users.end(), user) != users.end();
}

class DeviceLists : public ::testing::Test {
 protected:
  // Fresh users per test: alice and bob share a room, carol shares none with bob.
  void SetUp() override {
    const std::string n = std::to_string(counter_++);
    alice_ = registerDevice(s(), "alice" + n, "ALICE");
    bob_ = registerDevice(s(), "bob" + n, "BOB");
    carol_ = registerDevice(s(), "carol" + n, "CAROL");
    room_ = sharedRoom(s(), alice_.token, {bob_.token});
    sharedRoom(s(), carol_.token, {});  // carol is in a room of her own
  }
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  HttpResult upload(const Device& d) {
    return s().post("/_matrix/client/v3/keys/upload", R"({"device_keys":)" + d.deviceKeys() + "}", d.token);
  }
  json::Document changes(const Device& d, const std::string& from, const std::string& to) {
    const auto r = s().get("/_matrix/client/v3/keys/changes?from=" + from + "&to=" + to, d.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static TestServer* server_;
  static int counter_;
  Device alice_, bob_, carol_;
  std::string room_;
};
TestServer* DeviceLists::server_ = nullptr;
int DeviceLists::counter_ = 0;

TEST_F(DeviceLists, KeyUploadReachesRoomMatesOnly) {
  const std::string alice_since = nextBatch(sync(s(), alice_.token));
  const std::string carol_since = nextBatch(sync(s(), carol_.token));
  ASSERT_EQ(upload(bob_).status, 200);
  const auto alice = sync(s(), alice_.token, alice_since);
  EXPECT_TRUE(has(changed(alice), bob_.user_id));
  EXPECT_FALSE(has(changed(sync(s(), carol_.token, carol_since)), bob_.user_id));
  // /keys/changes between the same tokens says the same; later ranges are empty.
  EXPECT_TRUE(has(strings(&changes(alice_, alice_since, nextBatch(alice))["changed"]), bob_.user_id));
  EXPECT_FALSE(has(strings(&changes(carol_, carol_since, nextBatch(alice))["changed"]), bob_.user_id));
  const auto later = sync(s(), alice_.token, nextBatch(alice));
  EXPECT_FALSE(has(changed(later), bob_.user_id));
  // An initial sync carries no device list changes.
  EXPECT_TRUE(changed(sync(s(), alice_.token)).empty());
}

TEST_F(DeviceLists, LoggingInANewDeviceIsAChangeForRoomMates) {
  const std::string alice_since = nextBatch(sync(s(), alice_.token));
  const std::string carol_since = nextBatch(sync(s(), carol_.token));
  const auto login = s().post("/_matrix/client/v3/login",
                              R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")" +
                                  bob_.user_id + R"("},"password":"password123","device_id":"BOBNEW"})");
  ASSERT_EQ(login.status, 200) << login.body;
  EXPECT_TRUE(has(changed(sync(s(), alice_.token, alice_since)), bob_.user_id));
  EXPECT_FALSE(has(changed(sync(s(), carol_.token, carol_since)), bob_.user_id));
}

TEST_F(DeviceLists, OwnChangesReachTheUsersOtherDevices) {
  const Device bob2 = loginDevice(s(), bob_.user_id.substr(1, bob_.user_id.find(':') - 1), "BOB2");
  const std::string since = nextBatch(sync(s(), bob_.token));
  ASSERT_EQ(upload(bob2).status, 200);
  EXPECT_TRUE(has(changed(sync(s(), bob_.token, since)), bob_.user_id));
}

TEST_F(DeviceLists, RenameAndDeletionAreChanges) {
  const Device bob2 = loginDevice(s(), bob_.user_id.substr(1, bob_.user_id.find(':') - 1), "BOB2");
  ASSERT_EQ(upload(bob2).status, 200);
  std::string since = nextBatch(sync(s(), alice_.token));
  ASSERT_EQ(s().put("/_matrix/client/v3/devices/BOB2", R"({"display_name":"Tablet"})", bob_.token).status, 200);
  auto alice = sync(s(), alice_.token, since);
  EXPECT_TRUE(has(changed(alice), bob_.user_id));
  since = nextBatch(alice);
  ASSERT_EQ(s().post("/_matrix/client/v3/logout", "{}", bob2.token).status, 200);
  alice = sync(s(), alice_.token, since);
  EXPECT_TRUE(has(changed(alice), bob_.user_id));
  const auto q = s().post("/_matrix/client/v3/keys/query", R"({"device_keys":{")" + bob_.user_id + R"(":[]}})",
                          alice_.token).json();
  EXPECT_FALSE(q["device_keys"][bob_.user_id.c_str()].HasMember("BOB2"));
}

TEST_F(DeviceLists, JoiningMakesTheNewRoomMateChangedAndLeavingMakesThemLeft) {
  std::string carol_since = nextBatch(sync(s(), carol_.token));
  std::string alice_since = nextBatch(sync(s(), alice_.token));
  ASSERT_EQ(s().post("/_matrix/client/v3/join/" + room_, "{}", carol_.token).status, 200);
  auto carol = sync(s(), carol_.token, carol_since);
  EXPECT_TRUE(has(changed(carol), alice_.user_id));  // carol has no list for them yet
  EXPECT_TRUE(has(changed(carol), bob_.user_id));
  EXPECT_TRUE(has(changed(sync(s(), alice_.token, alice_since)), carol_.user_id));
  carol_since = nextBatch(carol);
  alice_since = nextBatch(sync(s(), alice_.token));
  ASSERT_EQ(s().post("/_matrix/client/v3/rooms/" + room_ + "/leave", "{}", bob_.token).status, 200);
  const auto alice = sync(s(), alice_.token, alice_since);
  EXPECT_TRUE(has(left(alice), bob_.user_id));
  EXPECT_FALSE(has(changed(alice), bob_.user_id));
  EXPECT_FALSE(has(left(alice), carol_.user_id));
  EXPECT_TRUE(has(left(sync(s(), carol_.token, carol_since)), bob_.user_id));
  EXPECT_TRUE(has(strings(&changes(alice_, alice_since, nextBatch(alice))["left"]), bob_.user_id));
  // After leaving, bob's new keys reach nobody there.
  const std::string after = nextBatch(alice);
  ASSERT_EQ(upload(bob_).status, 200);
  EXPECT_FALSE(has(changed(sync(s(), alice_.token, after)), bob_.user_id));
}

TEST_F(DeviceLists, UserStillSharingAnotherRoomIsNotLeft) {
  sharedRoom(s(), alice_.token, {bob_.token});  // a second shared room
  const std::string since = nextBatch(sync(s(), alice_.token));
  ASSERT_EQ(s().post("/_matrix/client/v3/rooms/" + room_ + "/leave", "{}", bob_.token).status, 200);
  EXPECT_FALSE(has(left(sync(s(), alice_.token, since)), bob_.user_id));
}

TEST_F(DeviceLists, KeyUploadWakesARoomMatesParkedSync) {
  const std::string since = nextBatch(sync(s(), alice_.token));
  const auto started = std::chrono::steady_clock::now();
  auto parked = std::async(std::launch::async, [&] { return sync(s(), alice_.token, since, 20000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(upload(bob_).status, 200);
  const auto alice = parked.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_TRUE(has(changed(alice), bob_.user_id));
}

TEST_F(DeviceLists, ChangesNeedValidTokens) {
  EXPECT_EQ(errcode(s().get("/_matrix/client/v3/keys/changes?to=s1_0", alice_.token)), "M_MISSING_PARAM");
  EXPECT_EQ(errcode(s().get("/_matrix/client/v3/keys/changes?from=garbage&to=s1_0", alice_.token)),
            "M_INVALID_PARAM");
}

}  // namespace
}  // namespace hs::test
