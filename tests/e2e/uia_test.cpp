// User-interactive auth over real HTTP: a session is bound to the request that started it
// (method, path and body), another user's password is refused with 403, and every 401
// carries `completed`.
#include <gtest/gtest.h>

#include "tests/support/matrix_client.h"
#include "tests/support/test_server.h"

namespace hs::test {
namespace {

class Uia : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static std::string login(const std::string& user, const std::string& device) {
    const auto r = server_->post(kV3 + "/login",
        R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")" + user +
            R"("},"password":"password123","device_id":")" + device + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? r.json()["access_token"].GetString() : "";
  }
  static std::string auth(const std::string& user, const std::string& session,
                          const std::string& password = "password123") {
    std::string a = R"("auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":")" +
                    user + R"("},"password":")" + password + "\"";
    if (!session.empty()) {
      a += R"(,"session":")" + session + "\"";
    }
    return a + "}";
  }
  // The session of the 401 a first request without `auth` gets.
  static std::string startSession(const HttpResult& r) {
    EXPECT_EQ(r.status, 401) << r.body;
    const auto doc = r.json();
    return doc.HasMember("session") ? doc["session"].GetString() : "";
  }
  static bool hasDevice(const std::string& token, const std::string& device) {
    return server_->get(kV3 + "/devices/" + device, token).status == 200;
  }
  static TestServer* server_;
};
TestServer* Uia::server_ = nullptr;

TEST_F(Uia, SessionForOneDeviceCannotDeleteAnother) {
  const std::string t = server_->registerUser("uiadev", "password123", "MAIN");
  login("uiadev", "A");
  login("uiadev", "B");
  const std::string session = startSession(server_->del(kV3 + "/devices/A", "", t));
  const auto other = server_->del(kV3 + "/devices/B", "{" + auth("uiadev", session) + "}", t);
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(errcode(other), "M_FORBIDDEN");
  EXPECT_TRUE(hasDevice(t, "A"));
  EXPECT_TRUE(hasDevice(t, "B"));
  // The refused attempt spent nothing: the session still completes its own operation.
  const auto own = server_->del(kV3 + "/devices/A", "{" + auth("uiadev", session) + "}", t);
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_FALSE(hasDevice(t, "A"));
  EXPECT_TRUE(hasDevice(t, "B"));
}

TEST_F(Uia, SessionCannotChangeTheBodyOrTheEndpoint) {
  const std::string t = server_->registerUser("uiabody", "password123", "MAIN");
  login("uiabody", "A");
  login("uiabody", "B");
  const std::string session =
      startSession(server_->post(kV3 + "/delete_devices", R"({"devices":["A"]})", t));
  const auto swapped = server_->post(kV3 + "/delete_devices",
                                     R"({"devices":["A","B"],)" + auth("uiabody", session) + "}", t);
  EXPECT_EQ(swapped.status, 403) << swapped.body;
  EXPECT_EQ(errcode(swapped), "M_FORBIDDEN");
  EXPECT_TRUE(hasDevice(t, "B"));
  // Another endpoint (a password change) with the same session: 403 too.
  const auto password = server_->post(kV3 + "/account/password",
      R"({"new_password":"otherpassword1",)" + auth("uiabody", session) + "}", t);
  EXPECT_EQ(password.status, 403) << password.body;
  EXPECT_TRUE(hasDevice(t, "A"));
  // The same body, in another key order, is the same operation.
  const auto same = server_->post(kV3 + "/delete_devices",
                                  "{" + auth("uiabody", session) + R"(,"devices":["A"]})", t);
  EXPECT_EQ(same.status, 200) << same.body;
  EXPECT_FALSE(hasDevice(t, "A"));
  EXPECT_TRUE(hasDevice(t, "B"));
}

TEST_F(Uia, AnotherUsersPasswordIsForbidden) {
  const std::string t = server_->registerUser("uiaown", "password123", "MAIN");
  server_->registerUser("uiaother", "password123");
  login("uiaown", "A");
  for (const std::string& name : {std::string("uiaother"), std::string("@uiaother:localhost")}) {
    SCOPED_TRACE(name);
    // A correct password, but of another account: 403 with or without a session.
    const auto direct = server_->del(kV3 + "/devices/A", "{" + auth(name, "") + "}", t);
    EXPECT_EQ(direct.status, 403) << direct.body;
    EXPECT_EQ(errcode(direct), "M_FORBIDDEN");
    const std::string session = startSession(server_->del(kV3 + "/devices/A", "{}", t));
    const auto in_session = server_->del(kV3 + "/devices/A", "{" + auth(name, session) + "}", t);
    EXPECT_EQ(in_session.status, 403) << in_session.body;
    EXPECT_TRUE(hasDevice(t, "A"));
  }
  // The user's own wrong password stays a 401 that lets the client retry.
  const auto wrong = server_->del(kV3 + "/devices/A", "{" + auth("uiaown", "", "wrongpassword") + "}", t);
  EXPECT_EQ(wrong.status, 401) << wrong.body;
  EXPECT_EQ(errcode(wrong), "M_FORBIDDEN");
}

TEST_F(Uia, EveryChallengeCarriesCompleted) {
  const std::string t = server_->registerUser("uiacomp", "password123", "MAIN");
  const auto first = server_->post(kV3 + "/account/deactivate", "{}", t);
  ASSERT_EQ(first.status, 401);
  const auto doc = first.json();
  ASSERT_TRUE(doc.HasMember("completed")) << first.body;
  ASSERT_TRUE(doc["completed"].IsArray());
  EXPECT_EQ(doc["completed"].Size(), 0u);
  EXPECT_TRUE(doc["params"].IsObject());
  EXPECT_STREQ(doc["flows"][0]["stages"][0].GetString(), "m.login.password");
  const std::string session = doc["session"].GetString();
  const auto failed = server_->post(kV3 + "/account/deactivate",
                                    "{" + auth("uiacomp", session, "wrongpassword") + "}", t);
  ASSERT_EQ(failed.status, 401);
  EXPECT_TRUE(failed.json()["completed"].IsArray()) << failed.body;
  EXPECT_EQ(std::string(failed.json()["session"].GetString()), session);
  const auto reg = server_->post(kV3 + "/register", R"({"username":"uiacomp2","password":"password123"})");
  ASSERT_EQ(reg.status, 401);
  EXPECT_TRUE(reg.json()["completed"].IsArray()) << reg.body;
}

TEST(UiaRegistration, TokenSessionCannotRegisterAnotherName) {
  TestServer server([](config::Config& c) {
    c.registration.require_registration_token = true;
    c.registration.registration_tokens = {"letmein"};
  });
  const std::string body = R"({"username":"bound1","password":"password123")";
  const auto first = server.post(kV3 + "/register", body + "}");
  ASSERT_EQ(first.status, 401);
  const std::string session = first.json()["session"].GetString();
  const std::string stage =
      R"("auth":{"type":"m.login.registration_token","token":"letmein","session":")" + session + "\"}";
  const auto other = server.post(kV3 + "/register", R"({"username":"bound2","password":"password123",)" + stage + "}");
  EXPECT_EQ(other.status, 403) << other.body;
  EXPECT_EQ(server.get(kV3 + "/register/available?username=bound2").status, 200);
  const auto own = server.post(kV3 + "/register", body + "," + stage + "}");
  EXPECT_EQ(own.status, 200) << own.body;
  EXPECT_EQ(std::string(own.json()["user_id"].GetString()), "@bound1:localhost");
}

}  // namespace
}  // namespace hs::test
