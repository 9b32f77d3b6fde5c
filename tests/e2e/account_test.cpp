// Profiles, devices, password change and deactivation over real HTTP.
#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace hs::test {
namespace {

class Account : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static std::string login(const std::string& user, const std::string& password, const std::string& device) {
    const auto r = server_->post("/_matrix/client/v3/login",
        R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")" + user +
            R"("},"password":")" + password + R"(","device_id":")" + device + "\"}");
    return r.status == 200 ? r.json()["access_token"].GetString() : "";
  }
  static std::string passwordAuth(const std::string& user, const std::string& password,
                                  const std::string& session = "") {
    std::string s = R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")" + user +
                    R"("},"password":")" + password + "\"";
    if (!session.empty()) {
      s += R"(,"session":")" + session + "\"";
    }
    return s + "}";
  }
  static TestServer* server_;
};
TestServer* Account::server_ = nullptr;

TEST_F(Account, DisplayNameRoundTripAndProfile) {
  const std::string t = server_->registerUser("pam");
  const auto initial = server_->get("/_matrix/client/v3/profile/@pam:localhost/displayname");
  EXPECT_STREQ(initial.json()["displayname"].GetString(), "pam");  // the localpart by default
  ASSERT_EQ(server_->put("/_matrix/client/v3/profile/%40pam%3Alocalhost/displayname",
                         R"({"displayname":"Pam ✓"})", t).status, 200);
  const auto r = server_->get("/_matrix/client/r0/profile/@pam:localhost");
  EXPECT_STREQ(r.json()["displayname"].GetString(), "Pam ✓");
  ASSERT_EQ(server_->put("/_matrix/client/v3/profile/@pam:localhost/avatar_url",
                         R"({"avatar_url":"mxc://localhost/abc"})", t).status, 200);
  EXPECT_STREQ(server_->get("/_matrix/client/v3/profile/@pam:localhost/avatar_url").json()["avatar_url"].GetString(),
               "mxc://localhost/abc");
}

TEST_F(Account, OthersProfilesAreReadOnly) {
  server_->registerUser("quinn");
  const std::string t = server_->registerUser("rita");
  const auto r = server_->put("/_matrix/client/v3/profile/@quinn:localhost/displayname",
                              R"({"displayname":"hacked"})", t);
  EXPECT_EQ(r.status, 403);
  EXPECT_STREQ(r.json()["errcode"].GetString(), "M_FORBIDDEN");
}

TEST_F(Account, ProfileErrors) {
  const std::string t = server_->registerUser("sam");
  EXPECT_EQ(server_->get("/_matrix/client/v3/profile/@ghost:localhost").status, 404);
  EXPECT_STREQ(server_->get("/_matrix/client/v3/profile/not-a-user").json()["errcode"].GetString(),
               "M_INVALID_PARAM");
  const auto bad_avatar = server_->put("/_matrix/client/v3/profile/@sam:localhost/avatar_url",
                                       R"({"avatar_url":"http://evil"})", t);
  EXPECT_EQ(bad_avatar.status, 400);
  const auto wrong_type = server_->put("/_matrix/client/v3/profile/@sam:localhost/displayname",
                                       R"({"displayname":42})", t);
  EXPECT_STREQ(wrong_type.json()["errcode"].GetString(), "M_BAD_JSON");
}

TEST_F(Account, DevicesListRenameAndDeleteWithUia) {
  const std::string t = server_->registerUser("tess", "password123", "MAIN");
  ASSERT_FALSE(login("tess", "password123", "OTHER").empty());
  const auto list = server_->get("/_matrix/client/v3/devices", t);
  ASSERT_EQ(list.status, 200);
  EXPECT_EQ(list.json()["devices"].Size(), 2u);
  ASSERT_EQ(server_->put("/_matrix/client/v3/devices/OTHER", R"({"display_name":"Laptop"})", t).status, 200);
  EXPECT_STREQ(server_->get("/_matrix/client/v3/devices/OTHER", t).json()["display_name"].GetString(), "Laptop");
  EXPECT_EQ(server_->put("/_matrix/client/v3/devices/NOPE", R"({"display_name":"x"})", t).status, 404);

  const auto challenge = server_->del("/_matrix/client/v3/devices/OTHER", "{}", t);
  ASSERT_EQ(challenge.status, 401);
  const std::string session = challenge.json()["session"].GetString();
  const auto wrong = server_->del("/_matrix/client/v3/devices/OTHER",
                                  R"({"auth":)" + passwordAuth("tess", "badpassword", session) + "}", t);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_STREQ(wrong.json()["errcode"].GetString(), "M_FORBIDDEN");
  const auto ok = server_->del("/_matrix/client/v3/devices/OTHER",
                               R"({"auth":)" + passwordAuth("tess", "password123", session) + "}", t);
  EXPECT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(server_->get("/_matrix/client/v3/devices/OTHER", t).status, 404);
}

TEST_F(Account, DeleteDevicesInBulk) {
  const std::string t = server_->registerUser("uma", "password123", "A");
  login("uma", "password123", "B");
  login("uma", "password123", "C");
  const auto r = server_->post("/_matrix/client/v3/delete_devices",
      R"({"devices":["B","C"],"auth":)" + passwordAuth("uma", "password123") + "}", t);
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(server_->get("/_matrix/client/v3/devices", t).json()["devices"].Size(), 1u);
}

TEST_F(Account, PasswordChangeLogsOutOtherDevices) {
  const std::string main = server_->registerUser("vera", "password123", "MAIN");
  const std::string other = login("vera", "password123", "OTHER");
  const auto r = server_->post("/_matrix/client/v3/account/password",
      R"({"new_password":"newpassword1","auth":)" + passwordAuth("vera", "password123") + "}", main);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", main).status, 200);
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", other).status, 401);
  EXPECT_TRUE(login("vera", "password123", "X").empty());
  EXPECT_FALSE(login("vera", "newpassword1", "Y").empty());
}

TEST_F(Account, PasswordChangeCanKeepDevices) {
  const std::string main = server_->registerUser("wes", "password123", "MAIN");
  const std::string other = login("wes", "password123", "OTHER");
  const auto r = server_->post("/_matrix/client/v3/account/password",
      R"({"new_password":"newpassword1","logout_devices":false,"auth":)" + passwordAuth("wes", "password123") + "}", main);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", other).status, 200);
}

TEST_F(Account, DeactivationEndsEverything) {
  const std::string t = server_->registerUser("xena");
  const auto challenge = server_->post("/_matrix/client/v3/account/deactivate", "{}", t);
  EXPECT_EQ(challenge.status, 401);
  const auto r = server_->post("/_matrix/client/v3/account/deactivate",
      R"({"auth":)" + passwordAuth("xena", "password123") + "}", t);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", t).status, 401);
  const auto relogin = server_->post("/_matrix/client/v3/login",
      R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":"xena"},"password":"password123"})");
  EXPECT_EQ(relogin.status, 403);
  EXPECT_STREQ(relogin.json()["errcode"].GetString(), "M_USER_DEACTIVATED");
  // The name stays taken: a deactivated id is never handed to someone else.
  const auto again = server_->post("/_matrix/client/v3/register",
      R"({"username":"xena","password":"password123","auth":{"type":"m.login.dummy"}})");
  EXPECT_STREQ(again.json()["errcode"].GetString(), "M_USER_IN_USE");
}

TEST_F(Account, ThreepidsIsEmptyList) {
  const std::string t = server_->registerUser("yuri");
  const auto r = server_->get("/_matrix/client/v3/account/3pid", t);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.json()["threepids"].Size(), 0u);
}

}  // namespace
}  // namespace hs::test
