// Login, whoami, logout and token handling over real HTTP.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/test_server.h"

namespace hs::test {
namespace {

class Login : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer([](config::Config& c) { c.auth.access_token_lifetime_ms = 1500; });
  }
  static void TearDownTestSuite() { delete server_; }
  static std::string login(const std::string& user, const std::string& password,
                           const std::string& extra = "") {
    const auto r = server_->post("/_matrix/client/v3/login",
        R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")" + user +
            R"("},"password":")" + password + "\"" + extra + "}");
    if (r.status != 200) {
      return "";
    }
    return r.json()["access_token"].GetString();
  }
  static TestServer* server_;
};
TestServer* Login::server_ = nullptr;

TEST_F(Login, FlowsListPassword) {
  const auto r = server_->get("/_matrix/client/v3/login");
  EXPECT_EQ(r.status, 200);
  EXPECT_STREQ(r.json()["flows"][0]["type"].GetString(), "m.login.password");
}

TEST_F(Login, PasswordLoginThenWhoami) {
  server_->registerUser("carol");
  const std::string token = login("carol", "password123");
  ASSERT_FALSE(token.empty());
  const auto who = server_->get("/_matrix/client/v3/account/whoami", token);
  EXPECT_EQ(who.status, 200);
  EXPECT_STREQ(who.json()["user_id"].GetString(), "@carol:localhost");
}

TEST_F(Login, FullUserIdAndLegacyUserFieldWork) {
  server_->registerUser("dave");
  EXPECT_FALSE(login("@dave:localhost", "password123").empty());
  const auto r = server_->post("/_matrix/client/r0/login",
                               R"({"type":"m.login.password","user":"dave","password":"password123"})");
  EXPECT_EQ(r.status, 200) << r.body;
}

TEST_F(Login, WrongPasswordAndUnknownUserAreForbiddenAlike) {
  server_->registerUser("erin");
  for (const char* user : {"erin", "nobody"}) {
    const auto r = server_->post("/_matrix/client/v3/login",
        std::string(R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")") + user +
            R"("},"password":"wrongpass1"})");
    EXPECT_EQ(r.status, 403);
    EXPECT_STREQ(r.json()["errcode"].GetString(), "M_FORBIDDEN");
  }
}

TEST_F(Login, QueryParameterTokenIsAccepted) {
  const std::string token = server_->registerUser("frank");
  const auto r = server_->get("/_matrix/client/r0/account/whoami?access_token=" + token);
  EXPECT_EQ(r.status, 200);
}

TEST_F(Login, MissingAndUnknownTokens) {
  const auto missing = server_->get("/_matrix/client/v3/account/whoami");
  EXPECT_EQ(missing.status, 401);
  EXPECT_STREQ(missing.json()["errcode"].GetString(), "M_MISSING_TOKEN");
  const auto unknown = server_->get("/_matrix/client/v3/account/whoami", "pat_nonsense");
  EXPECT_EQ(unknown.status, 401);
  EXPECT_STREQ(unknown.json()["errcode"].GetString(), "M_UNKNOWN_TOKEN");
  EXPECT_FALSE(unknown.json()["soft_logout"].GetBool());
}

TEST_F(Login, LogoutRevokesTokenAndDeletesDevice) {
  const std::string keep = server_->registerUser("gina", "password123", "KEEP");
  const std::string token = login("gina", "password123", R"(,"device_id":"GONE")");
  ASSERT_EQ(server_->post("/_matrix/client/v3/logout", "", token).status, 200);
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", token).status, 401);
  EXPECT_EQ(server_->get("/_matrix/client/v3/devices/GONE", keep).status, 404);
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", keep).status, 200);
}

TEST_F(Login, LogoutAllRevokesEveryToken) {
  const std::string a = server_->registerUser("hank");
  const std::string b = login("hank", "password123");
  ASSERT_EQ(server_->post("/_matrix/client/v3/logout/all", "{}", b).status, 200);
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", a).status, 401);
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", b).status, 401);
}

TEST_F(Login, LoginWithKnownDeviceIdReplacesItsOldToken) {
  server_->registerUser("ivan", "password123", "DEV1");
  const std::string first = login("ivan", "password123", R"(,"device_id":"DEV1")");
  const std::string second = login("ivan", "password123", R"(,"device_id":"DEV1")");
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", first).status, 401);
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", second).status, 200);
}

TEST_F(Login, RefreshRotatesAndReuseRevokesTheSession) {
  server_->registerUser("judy");
  const auto r = server_->post("/_matrix/client/v3/login",
      R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":"judy"},"password":"password123","refresh_token":true})");
  ASSERT_EQ(r.status, 200);
  const auto doc = r.json();
  ASSERT_TRUE(doc.HasMember("refresh_token"));
  EXPECT_EQ(doc["expires_in_ms"].GetInt64(), 1500);
  const std::string refresh1 = doc["refresh_token"].GetString();

  const auto rotated = server_->post("/_matrix/client/v3/refresh", R"({"refresh_token":")" + refresh1 + "\"}");
  ASSERT_EQ(rotated.status, 200) << rotated.body;
  const std::string access2 = rotated.json()["access_token"].GetString();
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", access2).status, 200);

  // The old refresh token again: theft. The whole session ends.
  const auto reuse = server_->post("/_matrix/client/v3/refresh", R"({"refresh_token":")" + refresh1 + "\"}");
  EXPECT_EQ(reuse.status, 401);
  EXPECT_STREQ(reuse.json()["errcode"].GetString(), "M_UNKNOWN_TOKEN");
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", access2).status, 401);
}

TEST_F(Login, ExpiredAccessTokenIsSoftLogout) {
  server_->registerUser("kim");
  const auto r = server_->post("/_matrix/client/v3/login",
      R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":"kim"},"password":"password123","refresh_token":true})");
  const std::string access = r.json()["access_token"].GetString();
  std::this_thread::sleep_for(std::chrono::milliseconds(1700));
  const auto expired = server_->get("/_matrix/client/v3/account/whoami", access);
  EXPECT_EQ(expired.status, 401);
  EXPECT_STREQ(expired.json()["errcode"].GetString(), "M_UNKNOWN_TOKEN");
  EXPECT_TRUE(expired.json()["soft_logout"].GetBool());
}

TEST_F(Login, UnknownRefreshTokenIsRefused) {
  const auto r = server_->post("/_matrix/client/v3/refresh", R"({"refresh_token":"prt_nope"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_STREQ(r.json()["errcode"].GetString(), "M_UNKNOWN_TOKEN");
}

TEST_F(Login, UnsupportedLoginTypeIsRefused) {
  const auto r = server_->post("/_matrix/client/v3/login", R"({"type":"m.login.sso"})");
  EXPECT_EQ(r.status, 400);
  EXPECT_STREQ(r.json()["errcode"].GetString(), "M_UNKNOWN");
}

}  // namespace
}  // namespace hs::test
