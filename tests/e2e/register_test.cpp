// POST /register, /register/available and registration-token validity over real HTTP.
#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace hs::test {
namespace {

class Register : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer* server_;
};
TestServer* Register::server_ = nullptr;

TEST_F(Register, FirstRequestWithoutAuthGetsUiaChallenge) {
  const auto r = server_->post("/_matrix/client/v3/register", R"({"username":"uia1","password":"password123"})");
  EXPECT_EQ(r.status, 401);
  const auto doc = r.json();
  ASSERT_TRUE(doc.HasMember("session"));
  EXPECT_STREQ(doc["flows"][0]["stages"][0].GetString(), "m.login.dummy");
  EXPECT_FALSE(doc.HasMember("errcode"));
}

TEST_F(Register, TwoStepDummyCompletesWithSession) {
  const auto first = server_->post("/_matrix/client/v3/register", R"({"username":"uia2","password":"password123"})");
  const std::string session = first.json()["session"].GetString();
  const auto second = server_->post("/_matrix/client/v3/register",
      R"({"username":"uia2","password":"password123","auth":{"type":"m.login.dummy","session":")" + session + R"("}})");
  EXPECT_EQ(second.status, 200) << second.body;
  EXPECT_STREQ(second.json()["user_id"].GetString(), "@uia2:localhost");
}

// Sytest's "registration remembers parameters" and "registration is idempotent": a
// continuation with only `auth` registers what the first request asked for, and retrying the
// completed request answers for the same account.
TEST_F(Register, SessionRemembersParametersAndARetryGetsTheSameAccount) {
  const auto first = server_->post("/_matrix/client/v3/register",
                                   R"({"username":"remember1","password":"password123","device_id":"REMDEV",)"
                                   R"("initial_device_display_name":"Remembered"})");
  ASSERT_EQ(first.status, 401) << first.body;
  const std::string session = first.json()["session"].GetString();
  const std::string bare = R"({"auth":{"type":"m.login.dummy","session":")" + session + R"("}})";
  const auto second = server_->post("/_matrix/client/v3/register", bare);
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_STREQ(second.json()["user_id"].GetString(), "@remember1:localhost");
  EXPECT_STREQ(second.json()["device_id"].GetString(), "REMDEV");
  const auto retry = server_->post("/_matrix/client/v3/register", bare);
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_STREQ(retry.json()["user_id"].GetString(), "@remember1:localhost");
  const auto login = server_->post("/_matrix/client/v3/login",
                                   R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":"remember1"},)"
                                   R"("password":"password123"})");
  EXPECT_EQ(login.status, 200) << login.body;
  // Without a username, the one the server picked first is kept.
  const auto nameless = server_->post("/_matrix/client/v3/register", R"({"password":"password123"})");
  ASSERT_EQ(nameless.status, 401);
  const std::string s2 = nameless.json()["session"].GetString();
  const std::string bare2 = R"({"auth":{"type":"m.login.dummy","session":")" + s2 + R"("}})";
  const auto made = server_->post("/_matrix/client/v3/register", bare2);
  ASSERT_EQ(made.status, 200) << made.body;
  const auto again = server_->post("/_matrix/client/v3/register", bare2);
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_STREQ(again.json()["user_id"].GetString(), made.json()["user_id"].GetString());
}

TEST_F(Register, OneStepDummyAsMatrixNioSends) {
  const auto r = server_->post("/_matrix/client/r0/register",
                               R"({"username":"Nio","password":"password123","auth":{"type":"m.login.dummy"}})");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_STREQ(doc["user_id"].GetString(), "@nio:localhost");  // stored lower-cased
  EXPECT_EQ(std::string(doc["access_token"].GetString()).rfind("pat_", 0), 0u);
  EXPECT_TRUE(doc.HasMember("device_id"));
}

TEST_F(Register, TakenNameIsUserInUse) {
  server_->registerUser("taken");
  const auto r = server_->post("/_matrix/client/v3/register",
                               R"({"username":"taken","password":"password123","auth":{"type":"m.login.dummy"}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_STREQ(r.json()["errcode"].GetString(), "M_USER_IN_USE");
}

TEST_F(Register, BadNameIsInvalidUsername) {
  for (const char* name : {"has space", "ümlaut", "colon:x", ""}) {
    const auto r = server_->post("/_matrix/client/v3/register",
        std::string(R"({"username":")") + name + R"(","password":"password123","auth":{"type":"m.login.dummy"}})");
    EXPECT_EQ(r.status, 400) << name;
    EXPECT_STREQ(r.json()["errcode"].GetString(), "M_INVALID_USERNAME") << name;
  }
}

TEST_F(Register, ShortPasswordIsWeak) {
  const auto r = server_->post("/_matrix/client/v3/register",
                               R"({"username":"weak","password":"abc","auth":{"type":"m.login.dummy"}})");
  EXPECT_EQ(r.status, 400);
  EXPECT_STREQ(r.json()["errcode"].GetString(), "M_WEAK_PASSWORD");
}

TEST_F(Register, InhibitLoginReturnsNoToken) {
  const auto r = server_->post("/_matrix/client/v3/register",
      R"({"username":"quiet","password":"password123","inhibit_login":true,"auth":{"type":"m.login.dummy"}})");
  ASSERT_EQ(r.status, 200);
  EXPECT_FALSE(r.json().HasMember("access_token"));
  EXPECT_FALSE(r.json().HasMember("device_id")) << r.body;  // the spec: neither token nor device
  EXPECT_FALSE(r.json().HasMember("refresh_token"));
  EXPECT_STREQ(r.json()["user_id"].GetString(), "@quiet:localhost");
  // No device was made: the first login's device is the only one.
  const auto login = server_->post("/_matrix/client/v3/login",
      R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":"quiet"},"password":"password123"})");
  ASSERT_EQ(login.status, 200) << login.body;
  const auto devices = server_->get("/_matrix/client/v3/devices", login.json()["access_token"].GetString());
  EXPECT_EQ(devices.json()["devices"].Size(), 1u) << devices.body;
}

TEST_F(Register, GivenDeviceIdAndDisplayNameAreKept) {
  const auto r = server_->post("/_matrix/client/v3/register",
      R"({"username":"dev","password":"password123","device_id":"PHONE","initial_device_display_name":"My phone","auth":{"type":"m.login.dummy"}})");
  ASSERT_EQ(r.status, 200);
  const std::string token = r.json()["access_token"].GetString();
  const auto d = server_->get("/_matrix/client/v3/devices/PHONE", token);
  EXPECT_EQ(d.status, 200);
  EXPECT_STREQ(d.json()["display_name"].GetString(), "My phone");
}

TEST_F(Register, GuestKindIsRefused) {
  const auto r = server_->post("/_matrix/client/v3/register?kind=guest", "{}");
  EXPECT_EQ(r.status, 403);
  EXPECT_STREQ(r.json()["errcode"].GetString(), "M_GUEST_ACCESS_FORBIDDEN");
}

TEST_F(Register, AvailableAnswersForFreeTakenAndInvalid) {
  server_->registerUser("avail");
  EXPECT_EQ(server_->get("/_matrix/client/v3/register/available?username=free1").status, 200);
  const auto taken = server_->get("/_matrix/client/v3/register/available?username=avail");
  EXPECT_STREQ(taken.json()["errcode"].GetString(), "M_USER_IN_USE");
  const auto bad = server_->get("/_matrix/client/v3/register/available?username=a%20b");
  EXPECT_STREQ(bad.json()["errcode"].GetString(), "M_INVALID_USERNAME");
  const auto missing = server_->get("/_matrix/client/v3/register/available");
  EXPECT_STREQ(missing.json()["errcode"].GetString(), "M_MISSING_PARAM");
}

TEST(RegisterConfig, DisabledRegistrationIsForbidden) {
  TestServer server([](config::Config& c) { c.registration.enabled = false; });
  const auto r = server.post("/_matrix/client/v3/register",
                             R"({"username":"x","password":"password123","auth":{"type":"m.login.dummy"}})");
  EXPECT_EQ(r.status, 403);
  EXPECT_STREQ(r.json()["errcode"].GetString(), "M_FORBIDDEN");
}

TEST(RegisterConfig, RegistrationTokenStageIsRequiredAndChecked) {
  TestServer server([](config::Config& c) {
    c.registration.require_registration_token = true;
    c.registration.registration_tokens = {"letmein"};
  });
  const auto dummy = server.post("/_matrix/client/v3/register",
                                 R"({"username":"t1","password":"password123","auth":{"type":"m.login.dummy"}})");
  EXPECT_EQ(dummy.status, 401);
  const auto first = server.post("/_matrix/client/v3/register", R"({"username":"t1","password":"password123"})");
  EXPECT_STREQ(first.json()["flows"][0]["stages"][0].GetString(), "m.login.registration_token");
  const std::string session = first.json()["session"].GetString();
  const auto wrong = server.post("/_matrix/client/v3/register",
      R"({"username":"t1","password":"password123","auth":{"type":"m.login.registration_token","token":"nope","session":")" + session + R"("}})");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_STREQ(wrong.json()["errcode"].GetString(), "M_FORBIDDEN");
  const auto right = server.post("/_matrix/client/v3/register",
      R"({"username":"t1","password":"password123","auth":{"type":"m.login.registration_token","token":"letmein","session":")" + session + R"("}})");
  EXPECT_EQ(right.status, 200) << right.body;
  const auto valid = server.get("/_matrix/client/v1/register/m.login.registration_token/validity?token=letmein");
  EXPECT_TRUE(valid.json()["valid"].GetBool());
  const auto invalid = server.get("/_matrix/client/v1/register/m.login.registration_token/validity?token=x");
  EXPECT_FALSE(invalid.json()["valid"].GetBool());
}

}  // namespace
}  // namespace hs::test
