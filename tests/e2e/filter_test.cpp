// Stored sync filters over real HTTP.
#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace hs::test {
namespace {

std::string errcode(const HttpResult& r) {
  const auto doc = r.json();
  return doc.IsObject() && doc.HasMember("errcode") ? doc["errcode"].GetString() : "(none)";
}

// What matrix-js-sdk 37 uploads before its first sync, unstable keys included.
constexpr const char* kJsSdkFilter =
    R"({"room":{"timeline":{"limit":20,"unread_thread_notifications":true,)"
    R"("org.matrix.msc3773.unread_thread_notifications":true},"state":{"lazy_load_members":true}}})";

class Filter : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    cal_ = server_->registerUser("cal");
    dee_ = server_->registerUser("dee");
  }
  static void TearDownTestSuite() { delete server_; }
  static std::string upload(const std::string& user, const std::string& token, const std::string& body) {
    const auto r = server_->post("/_matrix/client/v3/user/" + user + "/filter", body, token);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto doc = r.json();
    return doc.IsObject() && doc.HasMember("filter_id") ? doc["filter_id"].GetString() : "";
  }
  static TestServer* server_;
  static std::string cal_;
  static std::string dee_;
};
TestServer* Filter::server_ = nullptr;
std::string Filter::cal_;
std::string Filter::dee_;

TEST_F(Filter, UploadThenDownloadReturnsItAsSent) {
  const std::string id = upload("@cal:localhost", cal_, kJsSdkFilter);
  ASSERT_FALSE(id.empty());
  EXPECT_NE(id.front(), '{');  // the spec: ids must not look like inline JSON
  const auto r = server_->get("/_matrix/client/v3/user/@cal:localhost/filter/" + id, cal_);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, kJsSdkFilter);
  // r0, as matrix-nio calls it.
  EXPECT_EQ(server_->get("/_matrix/client/r0/user/@cal:localhost/filter/" + id, cal_).status, 200);
}

TEST_F(Filter, EachUploadGetsItsOwnId) {
  const std::string a = upload("@cal:localhost", cal_, R"({"presence":{"not_types":["*"]}})");
  const std::string b = upload("@cal:localhost", cal_, "{}");
  EXPECT_NE(a, b);
  EXPECT_EQ(server_->get("/_matrix/client/v3/user/@cal:localhost/filter/" + b, cal_).body, "{}");
}

TEST_F(Filter, UnknownIdsAreNotFound) {
  for (const std::string id : {"999999", "abc", "-1"}) {
    const auto r = server_->get("/_matrix/client/v3/user/@cal:localhost/filter/" + id, cal_);
    EXPECT_EQ(r.status, 404) << id;
    EXPECT_EQ(errcode(r), "M_NOT_FOUND") << id;
  }
}

TEST_F(Filter, OtherUsersFiltersStayPrivate) {
  const std::string id = upload("@dee:localhost", dee_, "{}");
  const auto theirs = server_->get("/_matrix/client/v3/user/@dee:localhost/filter/" + id, cal_);
  EXPECT_EQ(theirs.status, 403);
  EXPECT_EQ(errcode(theirs), "M_FORBIDDEN");
  // Their id under my own user is not mine.
  EXPECT_EQ(server_->get("/_matrix/client/v3/user/@cal:localhost/filter/" + id, cal_).status, 404);
  const auto post = server_->post("/_matrix/client/v3/user/@dee:localhost/filter", "{}", cal_);
  EXPECT_EQ(post.status, 403);
  EXPECT_EQ(errcode(post), "M_FORBIDDEN");
}

TEST_F(Filter, GarbageIsRefused) {
  const std::string path = "/_matrix/client/v3/user/@cal:localhost/filter";
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"[]", "M_BAD_JSON"},
      {"{oops", "M_NOT_JSON"},
      {R"({"room":{"timeline":{"limit":"20"}}})", "M_BAD_JSON"},
      {R"({"room":{"timeline":{"types":"m.room.message"}}})", "M_BAD_JSON"},
      {R"({"room":{"state":{"lazy_load_members":1}}})", "M_BAD_JSON"},
      {R"({"room":"all"})", "M_BAD_JSON"},
      {R"({"event_format":"html"})", "M_BAD_JSON"},
      {R"({"presence":{"senders":[42]}})", "M_BAD_JSON"},
  };
  for (const auto& [body, code] : cases) {
    const auto r = server_->post(path, body, cal_);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(errcode(r), code) << body;
  }
}

TEST_F(Filter, BadUserIdIsInvalidParam) {
  const auto r = server_->post("/_matrix/client/v3/user/cal/filter", "{}", cal_);
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errcode(r), "M_INVALID_PARAM");
}

}  // namespace
}  // namespace hs::test
