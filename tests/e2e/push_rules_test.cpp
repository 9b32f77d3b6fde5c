// Push rules over real HTTP: the predefined rules and a user's changes to them.
#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace hs::test {
namespace {

const std::string kRules = "/_matrix/client/v3/pushrules/global/";

std::string errcode(const HttpResult& r) {
  const auto doc = r.json();
  return doc.IsObject() && doc.HasMember("errcode") ? doc["errcode"].GetString() : "(none)";
}

std::vector<std::string> ruleIds(const json::Value& list) {
  std::vector<std::string> out;
  for (const auto& r : list.GetArray()) {
    out.emplace_back(r["rule_id"].GetString());
  }
  return out;
}

const json::Value* findRule(const json::Value& list, const std::string& id) {
  for (const auto& r : list.GetArray()) {
    if (id == r["rule_id"].GetString()) {
      return &r;
    }
  }
  return nullptr;
}

class PushRules : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    eve_ = server_->registerUser("eve");
    fay_ = server_->registerUser("fay");
  }
  static void TearDownTestSuite() { delete server_; }
  static TestServer* server_;
  static std::string eve_;
  static std::string fay_;
};
TestServer* PushRules::server_ = nullptr;
std::string PushRules::eve_;
std::string PushRules::fay_;

TEST_F(PushRules, PredefinedRulesForTheUser) {
  const auto r = server_->get("/_matrix/client/v3/pushrules/", fay_);
  ASSERT_EQ(r.status, 200);
  const auto doc = r.json();
  const auto& global = doc["global"];
  for (const char* kind : {"override", "content", "room", "sender", "underride"}) {
    EXPECT_TRUE(global.HasMember(kind) && global[kind].IsArray()) << kind;
  }
  const auto& master = global["override"][0];
  EXPECT_STREQ(master["rule_id"].GetString(), ".m.rule.master");
  EXPECT_FALSE(master["enabled"].GetBool());
  EXPECT_TRUE(master["default"].GetBool());
  const json::Value* invite = findRule(global["override"], ".m.rule.invite_for_me");
  ASSERT_NE(invite, nullptr);
  EXPECT_STREQ((*invite)["conditions"][2]["pattern"].GetString(), "@fay:localhost");
  const json::Value* mention = findRule(global["override"], ".m.rule.is_user_mention");
  ASSERT_NE(mention, nullptr);
  EXPECT_STREQ((*mention)["conditions"][0]["value"].GetString(), "@fay:localhost");
  EXPECT_EQ(ruleIds(global["underride"]),
            (std::vector<std::string>{".m.rule.call", ".m.rule.encrypted_room_one_to_one",
                                      ".m.rule.room_one_to_one", ".m.rule.message",
                                      ".m.rule.encrypted"}));
  // matrix-nio's r0 and the ruleset-only form.
  EXPECT_EQ(server_->get("/_matrix/client/r0/pushrules/", fay_).status, 200);
  const auto only_global = server_->get(kRules, fay_);
  EXPECT_EQ(only_global.status, 200);
  EXPECT_TRUE(only_global.json()["underride"].IsArray());
}

TEST_F(PushRules, AddReadAndDeleteAUserRule) {
  ASSERT_EQ(server_->put(kRules + "content/cake", R"({"pattern":"cake*lie","actions":["notify"]})", eve_).status, 200);
  const auto r = server_->get(kRules + "content/cake", eve_);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"rule_id":"cake","default":false,"enabled":true,"pattern":"cake*lie","actions":["notify"]})");
  ASSERT_EQ(server_->del(kRules + "content/cake", "", eve_).status, 200);
  const auto gone = server_->get(kRules + "content/cake", eve_);
  EXPECT_EQ(gone.status, 404);
  EXPECT_EQ(errcode(gone), "M_NOT_FOUND");
  const auto again = server_->del(kRules + "content/cake", "", eve_);
  EXPECT_EQ(errcode(again), "M_NOT_FOUND");
}

TEST_F(PushRules, BeforeAndAfterOrderUserRules) {
  const std::string body = R"({"actions":["dont_notify"],"conditions":[]})";
  ASSERT_EQ(server_->put(kRules + "override/one", body, eve_).status, 200);
  ASSERT_EQ(server_->put(kRules + "override/two", body, eve_).status, 200);            // new: first
  ASSERT_EQ(server_->put(kRules + "override/three?after=one", body, eve_).status, 200);
  ASSERT_EQ(server_->put(kRules + "override/four?before=two", body, eve_).status, 200);
  const auto doc = server_->get("/_matrix/client/v3/pushrules/", eve_).json();
  const auto ids = ruleIds(doc["global"]["override"]);
  ASSERT_GE(ids.size(), 6u);
  EXPECT_EQ(std::vector<std::string>(ids.begin(), ids.begin() + 6),
            (std::vector<std::string>{".m.rule.master", "four", "two", "one", "three",
                                      ".m.rule.suppress_notices"}));
  const auto unknown = server_->put(kRules + "override/five?before=nope", body, eve_);
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(errcode(unknown), "M_UNKNOWN");
}

TEST_F(PushRules, EnableAndRetargetDefaultRules) {
  ASSERT_EQ(server_->put(kRules + "override/.m.rule.master/enabled", R"({"enabled":true})", eve_).status, 200);
  EXPECT_EQ(server_->get(kRules + "override/.m.rule.master/enabled", eve_).body, R"({"enabled":true})");
  ASSERT_EQ(server_->put(kRules + "underride/.m.rule.message/actions", R"({"actions":["dont_notify"]})", eve_).status, 200);
  EXPECT_EQ(server_->get(kRules + "underride/.m.rule.message/actions", eve_).body, R"({"actions":["dont_notify"]})");
  const auto doc = server_->get("/_matrix/client/v3/pushrules/", eve_).json();
  EXPECT_TRUE(doc["global"]["override"][0]["enabled"].GetBool());
  // Another user's rules are untouched.
  EXPECT_EQ(server_->get(kRules + "override/.m.rule.master/enabled", fay_).body, R"({"enabled":false})");
  ASSERT_EQ(server_->put(kRules + "override/.m.rule.master/enabled", R"({"enabled":false})", eve_).status, 200);
}

TEST_F(PushRules, ChangesShowInAccountData) {
  ASSERT_EQ(server_->put(kRules + "sender/@spam:localhost", R"({"actions":[]})", fay_).status, 200);
  const auto doc = server_->get("/_matrix/client/v3/user/@fay:localhost/account_data/m.push_rules", fay_).json();
  ASSERT_TRUE(doc["global"]["sender"].IsArray());
  ASSERT_EQ(doc["global"]["sender"].Size(), 1u);
  EXPECT_STREQ(doc["global"]["sender"][0]["rule_id"].GetString(), "@spam:localhost");
  EXPECT_FALSE(doc["global"]["sender"][0].HasMember("conditions"));
  ASSERT_EQ(server_->del(kRules + "sender/@spam:localhost", "", fay_).status, 200);
}

TEST_F(PushRules, BadRequests) {
  struct Case {
    std::string method, path, body, errcode;
    long status;
  };
  const std::vector<Case> cases = {
      {"GET", kRules + "everything/x", "", "M_INVALID_PARAM", 400},
      {"GET", kRules + "override/nope", "", "M_NOT_FOUND", 404},
      {"GET", kRules + "content/.m.rule.master", "", "M_NOT_FOUND", 404},
      {"PUT", kRules + "override/.mine", R"({"actions":[]})", "M_INVALID_PARAM", 400},
      {"PUT", kRules + "override/x", R"({"conditions":[]})", "M_MISSING_PARAM", 400},
      {"PUT", kRules + "override/x", R"({"actions":"notify"})", "M_BAD_JSON", 400},
      {"PUT", kRules + "override/x", R"({"actions":[],"conditions":[{"key":"type"}]})", "M_BAD_JSON", 400},
      {"PUT", kRules + "content/x", R"({"actions":[]})", "M_MISSING_PARAM", 400},
      {"PUT", kRules + "override/x", "[]", "M_BAD_JSON", 400},
      {"PUT", kRules + "override/.m.rule.master/enabled", R"({"enabled":"yes"})", "M_BAD_JSON", 400},
      {"PUT", kRules + "override/.m.rule.master/enabled", R"({})", "M_MISSING_PARAM", 400},
      {"PUT", kRules + "override/nope/enabled", R"({"enabled":true})", "M_NOT_FOUND", 404},
      {"PUT", kRules + "override/nope/actions", R"({"actions":[]})", "M_NOT_FOUND", 404},
      {"PUT", kRules + "override/.m.rule.master/actions", R"({"actions":{}})", "M_BAD_JSON", 400},
      {"DELETE", kRules + "override/.m.rule.master", "", "M_INVALID_PARAM", 400},
      // Malformed rule paths: an unknown kind, a missing id, no slash after the kind.
      {"PUT", kRules + "sideways/x", R"({"actions":["notify"]})", "M_INVALID_PARAM", 400},
      {"PUT", kRules + "override/", R"({"actions":["notify"]})", "M_INVALID_PARAM", 400},
      {"DELETE", kRules + "override/", "", "M_INVALID_PARAM", 400},
      {"PUT", kRules + "override/", "", "M_INVALID_PARAM", 400},
      {"GET", kRules + "override", "", "M_UNRECOGNIZED", 400},
      {"PUT", kRules + "override", R"({"actions":["notify"]})", "M_UNRECOGNIZED", 400},
      {"GET", kRules + "sideways/", "", "M_INVALID_PARAM", 400},
      // Actions that are not actions.
      {"PUT", kRules + "override/x", R"({"actions":["wiggle"]})", "M_BAD_JSON", 400},
      {"PUT", kRules + "override/x", R"({"actions":[{"tweak":"sound"}]})", "M_BAD_JSON", 400},
      {"PUT", kRules + "override/.m.rule.master/actions", R"({"actions":["notify",42]})", "M_BAD_JSON", 400},
  };
  for (const Case& c : cases) {
    const auto r = c.method == "GET"   ? server_->get(c.path, fay_)
                   : c.method == "PUT" ? server_->put(c.path, c.body, fay_)
                                       : server_->del(c.path, c.body, fay_);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.path << " " << c.body;
    EXPECT_EQ(errcode(r), c.errcode) << c.method << " " << c.path << " " << c.body;
  }
  // None of the refused writes changed anything.
  const auto doc = server_->get(kRules, fay_).json();
  EXPECT_EQ(doc["override"].Size(), 10u);
  EXPECT_FALSE(doc["override"][0]["enabled"].GetBool());
}

TEST_F(PushRules, OneKindIsListedWithATrailingSlash) {
  const auto all = server_->get(kRules, eve_).json();
  for (const char* kind : {"override", "content", "room", "sender", "underride"}) {
    const auto r = server_->get(kRules + kind + "/", eve_);
    ASSERT_EQ(r.status, 200) << kind << " " << r.body;
    const auto doc = r.json();
    ASSERT_TRUE(doc.IsArray()) << r.body;
    EXPECT_EQ(ruleIds(doc), ruleIds(all[kind])) << kind;
  }
  // The accepted legacy actions.
  const auto put = server_->put(kRules + "room/!legacy:localhost",
                                R"({"actions":["dont_notify","coalesce"]})", eve_);
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(server_->del(kRules + "room/!legacy:localhost", "", eve_).status, 200);
}

TEST_F(PushRules, NeedsAnAccessToken) {
  const auto r = server_->get("/_matrix/client/v3/pushrules/");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(errcode(r), "M_MISSING_TOKEN");
}

}  // namespace
}  // namespace hs::test
