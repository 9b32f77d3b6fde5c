// Per-user limits over real HTTP: messages_per_user covers everything that makes events or
// rooms (client_api/routes.h perUserLimited), and a password guessed through user-interactive
// auth costs a token of /login's per-account bucket.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

void expectLimited(const HttpResult& r, const std::string& what) {
  EXPECT_EQ(r.status, 429) << what << ": " << r.body;
  EXPECT_EQ(errcodeOf(r), "M_LIMIT_EXCEEDED") << what;
  const auto doc = json::tryParse(r.body);
  EXPECT_TRUE(doc && doc->IsObject() && doc->HasMember("retry_after_ms") && (*doc)["retry_after_ms"].GetInt64() > 0)
      << what << ": " << r.body;
  EXPECT_TRUE(r.headers.count("retry-after")) << what;
}

class RateLimits : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer([](config::Config& c) {
      c.rate_limits.enabled = true;
      c.rate_limits.register_per_ip = {1000, 1000};
      c.rate_limits.login_per_ip = {1000, 1000};
      c.rate_limits.messages_per_user = {0.001, 4};
      c.rate_limits.login_per_account = {0.001, 3};
    });
  }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  static User newUser(const std::string& local) { return User{"@" + local + ":localhost", s().registerUser(local)}; }
  static std::string createRoom(const User& u) {
    const auto r = s().post(kV3 + "/createRoom", "{}", u.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "room_id");
  }
  static HttpResult send(const User& u, const std::string& room, const std::string& txn) {
    return s().put(kV3 + "/rooms/" + enc(room) + "/send/m.room.message/" + txn, R"({"body":"x"})", u.token);
  }
  static TestServer* server_;
};
TestServer* RateLimits::server_ = nullptr;

TEST_F(RateLimits, SendsAreLimitedPerUser) {
  const User a = newUser("rlsend");
  const std::string room = createRoom(a);  // 1 of 4
  for (const char* txn : {"t1", "t2", "t3"}) {
    ASSERT_EQ(send(a, room, txn).status, 200) << txn;
  }
  expectLimited(send(a, room, "t4"), "send");
  // The bucket is the user's: someone else still sends.
  const User b = newUser("rlother");
  EXPECT_EQ(createRoom(b).empty(), false);
}

TEST_F(RateLimits, StateReactionsRoomsAndProfileShareTheBucket) {
  const User a = newUser("rlmix");
  const std::string room = createRoom(a);
  const auto sent = send(a, room, "m1");
  ASSERT_EQ(sent.status, 200);
  ASSERT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/state/m.room.topic/", R"({"topic":"t"})", a.token).status, 200);
  ASSERT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/send/m.reaction/r1",
                    R"({"m.relates_to":{"rel_type":"m.annotation","event_id":")" + str(sent.json(), "event_id") +
                        R"(","key":"k"}})",
                    a.token)
                .status,
            200);
  expectLimited(s().put(kV3 + "/profile/" + enc(a.id) + "/displayname", R"({"displayname":"A"})", a.token),
                "profile");
  expectLimited(s().post(kV3 + "/createRoom", "{}", a.token), "createRoom");
  expectLimited(s().put(kV3 + "/rooms/" + enc(room) + "/state/m.room.name/", R"({"name":"n"})", a.token), "state");
  // Reading is not limited.
  EXPECT_EQ(s().get(kV3 + "/rooms/" + enc(room) + "/messages", a.token).status, 200);
}

TEST_F(RateLimits, PasswordGuessesThroughUiaCountLikeLogins) {
  const User a = newUser("rluia");
  const auto devices = s().get(kV3 + "/devices", a.token).json();
  const std::string device = str(devices["devices"][0], "device_id");
  const auto challenge = s().del(kV3 + "/devices/" + enc(device), "{}", a.token);
  ASSERT_EQ(challenge.status, 401);  // the flows, no password checked yet
  const std::string session = str(challenge.json(), "session");
  const std::string guess = R"({"auth":{"type":"m.login.password","session":")" + session +
                            R"(","identifier":{"type":"m.id.user","user":"rluia"},"password":"wrong"}})";
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(s().del(kV3 + "/devices/" + enc(device), guess, a.token).status, 401) << i;
  }
  expectLimited(s().del(kV3 + "/devices/" + enc(device), guess, a.token), "uia");
  // The same bucket as /login for this account.
  expectLimited(s().post(kV3 + "/login", R"({"type":"m.login.password","identifier":{"type":"m.id.user",)"
                                         R"("user":"rluia"},"password":"password123"})"),
                "login");
  EXPECT_EQ(s().get(kV3 + "/devices/" + enc(device), a.token).status, 200);  // not deleted
}

}  // namespace
}  // namespace hs::test::rooms_e2e
