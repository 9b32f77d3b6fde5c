// OpenID tokens over real HTTP (the client request, then the federation userinfo over TLS, as
// an integration manager asks it) and GET /admin/whois.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"
#include "tests/support/federation_helpers.h"
#include "tests/support/sinks.h"
#include "tests/support/test_pki.h"

namespace hs::test {
namespace {

using rooms_e2e::enc;
using rooms_e2e::errcodeOf;
using rooms_e2e::str;

class OpenIdAndWhois : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    port_ = freeLoopbackPort();
    server_ = new TestServer(federating(*pki_, port_, [](config::Config& c) {
      c.auth.admins = {"@ops:" + fedName(port_)};
    }));
    alice_ = server_->registerUser("alice", "password123", "ALICEDEV");
    bob_ = server_->registerUser("bob");
    ops_ = server_->registerUser("ops");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pki_;
  }
  static std::string id(const std::string& local) { return "@" + local + ":" + fedName(port_); }
  static HttpResult userInfo(const std::string& token) {
    return httpRequest("GET", server_->federationUrl("/_matrix/federation/v1/openid/userinfo?access_token=" +
                                                     enc(token)),
                       "", {}, pki_->caFile());
  }
  static TestPki* pki_;
  static int port_;
  static TestServer* server_;
  static std::string alice_, bob_, ops_;
};
TestPki* OpenIdAndWhois::pki_ = nullptr;
int OpenIdAndWhois::port_ = 0;
TestServer* OpenIdAndWhois::server_ = nullptr;
std::string OpenIdAndWhois::alice_, OpenIdAndWhois::bob_, OpenIdAndWhois::ops_;

TEST_F(OpenIdAndWhois, TokenNamesItsUserOverFederationUserinfo) {
  const auto r = server_->post("/_matrix/client/v3/user/" + enc(id("alice")) + "/openid/request_token", "{}", alice_);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(str(doc, "token_type"), "Bearer");
  EXPECT_EQ(str(doc, "matrix_server_name"), fedName(port_));
  EXPECT_EQ(doc["expires_in"].GetInt64(), 3600);
  const std::string token = str(doc, "access_token");
  ASSERT_FALSE(token.empty());
  const auto info = userInfo(token);
  ASSERT_EQ(info.status, 200) << info.body;
  EXPECT_EQ(str(info.json(), "sub"), id("alice"));
  // The OpenID token is not an access token, and the access token is not an OpenID token.
  EXPECT_EQ(server_->get("/_matrix/client/v3/account/whoami", token).status, 401);
  const auto wrong = userInfo(alice_);
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(errcodeOf(wrong), "M_UNKNOWN_TOKEN");
  const auto missing = httpRequest("GET", server_->federationUrl("/_matrix/federation/v1/openid/userinfo"), "", {},
                                   pki_->caFile());
  EXPECT_EQ(missing.status, 401);
  EXPECT_EQ(errcodeOf(missing), "M_MISSING_TOKEN");
}

TEST_F(OpenIdAndWhois, TokenOnlyForOneself) {
  const auto r = server_->post("/_matrix/client/v3/user/" + enc(id("alice")) + "/openid/request_token", "{}", bob_);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(errcodeOf(r), "M_FORBIDDEN");
  EXPECT_EQ(server_->post("/_matrix/client/v3/user/" + enc(id("alice")) + "/openid/request_token", "{}", "").status,
            401);
}

TEST_F(OpenIdAndWhois, WhoisForOneselfAndAdminsOnly) {
  const auto own = server_->get("/_matrix/client/v3/admin/whois/" + enc(id("alice")), alice_);
  ASSERT_EQ(own.status, 200) << own.body;
  const auto doc = own.json();
  EXPECT_EQ(str(doc, "user_id"), id("alice"));
  ASSERT_TRUE(doc["devices"].HasMember("ALICEDEV")) << own.body;
  EXPECT_TRUE(doc["devices"]["ALICEDEV"]["sessions"].IsArray());
  EXPECT_TRUE(doc["devices"]["ALICEDEV"]["sessions"][0]["connections"].IsArray());
  const auto by_admin = server_->get("/_matrix/client/v3/admin/whois/" + enc(id("alice")), ops_);
  EXPECT_EQ(by_admin.status, 200) << by_admin.body;
  const auto by_other = server_->get("/_matrix/client/v3/admin/whois/" + enc(id("alice")), bob_);
  EXPECT_EQ(by_other.status, 403);
  EXPECT_EQ(errcodeOf(by_other), "M_FORBIDDEN");
  EXPECT_EQ(server_->get("/_matrix/client/v3/admin/whois/" + enc(id("nobody")), ops_).status, 404);
  EXPECT_EQ(errcodeOf(server_->get("/_matrix/client/v3/admin/whois/not-a-user", ops_)), "M_INVALID_PARAM");
}

}  // namespace
}  // namespace hs::test
