// Every kind of bad input gets a Matrix error with the right status, never a 500 or a hang.
#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace hs::test {
namespace {

class BadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static void expectError(const HttpResult& r, long status, const char* errcode) {
    EXPECT_EQ(r.status, status) << r.body;
    const auto doc = r.json();
    ASSERT_TRUE(doc.IsObject() && doc.HasMember("errcode")) << r.body;
    EXPECT_STREQ(doc["errcode"].GetString(), errcode) << r.body;
    EXPECT_TRUE(doc["error"].IsString());
  }
  static TestServer* server_;
};
TestServer* BadInput::server_ = nullptr;

TEST_F(BadInput, MalformedJsonIsNotJson) {
  expectError(server_->post("/_matrix/client/v3/login", "{\"type\":"), 400, "M_NOT_JSON");
  expectError(server_->post("/_matrix/client/v3/register", "not json at all"), 400, "M_NOT_JSON");
}

TEST_F(BadInput, InvalidUtf8IsNotJson) {
  expectError(server_->post("/_matrix/client/v3/login",
                            "{\"type\":\"m.login.password\",\"user\":\"\xff\xfe\",\"password\":\"x\"}"),
              400, "M_NOT_JSON");
}

TEST_F(BadInput, NonObjectBodyIsBadJson) {
  expectError(server_->post("/_matrix/client/v3/login", "[1,2,3]"), 400, "M_BAD_JSON");
}

TEST_F(BadInput, WrongFieldTypeIsBadJson) {
  expectError(server_->post("/_matrix/client/v3/login", R"({"type":5})"), 400, "M_BAD_JSON");
  expectError(server_->post("/_matrix/client/v3/register",
                            R"({"username":["x"],"auth":{"type":"m.login.dummy"}})"),
              400, "M_BAD_JSON");
}

TEST_F(BadInput, MissingFieldIsMissingParam) {
  expectError(server_->post("/_matrix/client/v3/login", "{}"), 400, "M_MISSING_PARAM");
  expectError(server_->post("/_matrix/client/v3/refresh", "{}"), 400, "M_MISSING_PARAM");
}

TEST_F(BadInput, OversizedJsonBodyIsTooLarge) {
  const std::string big = R"({"type":"m.login.password","pad":")" + std::string(1100 * 1024, 'a') + "\"}";
  expectError(server_->post("/_matrix/client/v3/login", big), 413, "M_TOO_LARGE");
}

TEST_F(BadInput, BodyOverTheServerLimitIsTooLarge) {
  // Larger than any route allows (the media limit): refused from its Content-Length.
  const auto limit = server_->config().media.max_upload_size;
  const std::string huge(static_cast<size_t>(limit) + 200 * 1024, 'x');
  const auto r = server_->post("/_matrix/client/v3/login", huge);
  EXPECT_EQ(r.status, 413) << r.body.substr(0, 200);
}

TEST_F(BadInput, UnknownEndpointIsUnrecognized) {
  expectError(server_->get("/_matrix/client/v3/no/such/thing"), 404, "M_UNRECOGNIZED");
  expectError(server_->get("/totally/elsewhere"), 404, "M_UNRECOGNIZED");
}

TEST_F(BadInput, WrongMethodIs405) {
  expectError(server_->del("/_matrix/client/v3/login"), 405, "M_UNRECOGNIZED");
  expectError(server_->post("/_matrix/client/versions", "{}"), 405, "M_UNRECOGNIZED");
}

TEST_F(BadInput, BadPercentEncodingInPathIsUnrecognized) {
  expectError(server_->get("/_matrix/client/v3/profile/%zz"), 404, "M_UNRECOGNIZED");
}

TEST_F(BadInput, OptionsPreflightHasCorsAndNoLogic) {
  auto r = httpRequest("OPTIONS", server_->url("/_matrix/client/v3/account/whoami"));
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.headers["access-control-allow-origin"], "*");
  EXPECT_NE(r.headers["access-control-allow-headers"].find("Authorization"), std::string::npos);
}

TEST_F(BadInput, ErrorsCarryCorsToo) {
  auto r = server_->get("/_matrix/client/v3/account/whoami");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(r.headers["access-control-allow-origin"], "*");
  EXPECT_EQ(r.headers["content-type"], "application/json");
}

TEST_F(BadInput, NonBearerAuthorizationIsMissingToken) {
  const auto r = httpRequest("GET", server_->url("/_matrix/client/v3/account/whoami"), "",
                             {"Authorization: Basic Zm9vOmJhcg=="});
  expectError(r, 401, "M_MISSING_TOKEN");
}

}  // namespace
}  // namespace hs::test
