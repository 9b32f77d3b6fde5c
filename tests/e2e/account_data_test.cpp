// Account data (global and per room) and room tags over real HTTP.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/test_server.h"

namespace hs::test {
namespace {

const std::string kBase = "/_matrix/client/v3/user/";

std::string errcode(const HttpResult& r) {
  const auto doc = r.json();
  return doc.IsObject() && doc.HasMember("errcode") ? doc["errcode"].GetString() : "(none)";
}

class AccountData : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    amy_ = server_->registerUser("amy");
    ben_ = server_->registerUser("ben");
  }
  static void TearDownTestSuite() { delete server_; }
  static TestServer* server_;
  static std::string amy_;
  static std::string ben_;
};
TestServer* AccountData::server_ = nullptr;
std::string AccountData::amy_;
std::string AccountData::ben_;

TEST_F(AccountData, GlobalRoundTripAndOverwrite) {
  const std::string path = kBase + "@amy:localhost/account_data/org.example.config";
  EXPECT_EQ(server_->get(path, amy_).status, 404);
  ASSERT_EQ(server_->put(path, R"({"theme":"dark","n":1})", amy_).status, 200);
  EXPECT_EQ(server_->get(path, amy_).body, R"({"theme":"dark","n":1})");
  ASSERT_EQ(server_->put(path, R"({"theme":"light"})", amy_).status, 200);
  const auto r = server_->get("/_matrix/client/r0/user/%40amy%3Alocalhost/account_data/org.example.config", amy_);
  EXPECT_EQ(r.status, 200);
  EXPECT_STREQ(r.json()["theme"].GetString(), "light");
  EXPECT_FALSE(r.json().HasMember("n"));  // a PUT replaces, it does not merge
}

TEST_F(AccountData, UnsetIsNotFound) {
  const auto r = server_->get(kBase + "@amy:localhost/account_data/m.never_set", amy_);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errcode(r), "M_NOT_FOUND");
}

TEST_F(AccountData, OtherUsersDataIsForbidden) {
  ASSERT_EQ(server_->put(kBase + "@amy:localhost/account_data/m.direct", R"({})", amy_).status, 200);
  const auto read = server_->get(kBase + "@amy:localhost/account_data/m.direct", ben_);
  EXPECT_EQ(read.status, 403);
  EXPECT_EQ(errcode(read), "M_FORBIDDEN");
  const auto write = server_->put(kBase + "@amy:localhost/rooms/!r:localhost/account_data/x", "{}", ben_);
  EXPECT_EQ(write.status, 403);
  EXPECT_EQ(errcode(write), "M_FORBIDDEN");
  const auto tag = server_->put(kBase + "@amy:localhost/rooms/!r:localhost/tags/u.x", "{}", ben_);
  EXPECT_EQ(errcode(tag), "M_FORBIDDEN");
}

TEST_F(AccountData, ContentMustBeAJsonObject) {
  const std::string path = kBase + "@amy:localhost/account_data/org.example.bad";
  const auto array = server_->put(path, "[1,2]", amy_);
  EXPECT_EQ(array.status, 400);
  EXPECT_EQ(errcode(array), "M_BAD_JSON");
  const auto garbage = server_->put(path, "{nope", amy_);
  EXPECT_EQ(garbage.status, 400);
  EXPECT_EQ(errcode(garbage), "M_NOT_JSON");
  EXPECT_EQ(server_->get(path, amy_).status, 404);  // nothing was stored
}

TEST_F(AccountData, ServerManagedTypesAreRefusedWith405) {
  for (const std::string type : {"m.fully_read", "m.push_rules"}) {
    const auto global = server_->put(kBase + "@amy:localhost/account_data/" + type, "{}", amy_);
    EXPECT_EQ(global.status, 405) << type;
    EXPECT_EQ(errcode(global), "M_BAD_JSON") << type;
    const auto room = server_->put(kBase + "@amy:localhost/rooms/!r:localhost/account_data/" + type,
                                   R"({"event_id":"$x"})", amy_);
    EXPECT_EQ(room.status, 405) << type;
    EXPECT_EQ(errcode(room), "M_BAD_JSON") << type;
  }
}

TEST_F(AccountData, PushRulesAreReadableAsAccountData) {
  const auto r = server_->get(kBase + "@amy:localhost/account_data/m.push_rules", amy_);
  ASSERT_EQ(r.status, 200);
  const auto doc = r.json();
  ASSERT_TRUE(doc["global"]["override"].IsArray());
  EXPECT_STREQ(doc["global"]["override"][0]["rule_id"].GetString(), ".m.rule.master");
}

TEST_F(AccountData, RoomDataIsSeparateFromGlobalAndPerRoom) {
  const std::string room_a = kBase + "@amy:localhost/rooms/!a:localhost/account_data/org.example.k";
  const std::string room_b = kBase + "@amy:localhost/rooms/!b:localhost/account_data/org.example.k";
  ASSERT_EQ(server_->put(room_a, R"({"v":"a"})", amy_).status, 200);
  EXPECT_EQ(server_->get(room_a, amy_).body, R"({"v":"a"})");
  EXPECT_EQ(server_->get(room_b, amy_).status, 404);
  EXPECT_EQ(server_->get(kBase + "@amy:localhost/account_data/org.example.k", amy_).status, 404);
}

TEST_F(AccountData, BadIdsAreInvalidParams) {
  const auto room = server_->get(kBase + "@amy:localhost/rooms/@notaroom:localhost/account_data/x", amy_);
  EXPECT_EQ(room.status, 400);
  EXPECT_EQ(errcode(room), "M_INVALID_PARAM");
  const auto user = server_->put(kBase + "amy/account_data/x", "{}", amy_);
  EXPECT_EQ(user.status, 400);
  EXPECT_EQ(errcode(user), "M_INVALID_PARAM");
  const auto tags = server_->get(kBase + "@amy:localhost/rooms/nope/tags", amy_);
  EXPECT_EQ(errcode(tags), "M_INVALID_PARAM");
}

TEST_F(AccountData, NeedsAnAccessToken) {
  const auto r = server_->get(kBase + "@amy:localhost/account_data/m.direct");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(errcode(r), "M_MISSING_TOKEN");
}

TEST_F(AccountData, TagsAddListAndRemove) {
  const std::string room = kBase + "@amy:localhost/rooms/!t:localhost";
  EXPECT_EQ(server_->get(room + "/tags", amy_).body, R"({"tags":{}})");
  ASSERT_EQ(server_->put(room + "/tags/m.favourite", R"({"order":0.5})", amy_).status, 200);
  ASSERT_EQ(server_->put(room + "/tags/u.work", "{}", amy_).status, 200);
  EXPECT_EQ(server_->get(room + "/tags", amy_).body, R"({"tags":{"m.favourite":{"order":0.5},"u.work":{}}})");
  // The tags are the room account data event m.tag.
  EXPECT_EQ(server_->get(room + "/account_data/m.tag", amy_).body,
            R"({"tags":{"m.favourite":{"order":0.5},"u.work":{}}})");
  ASSERT_EQ(server_->del(room + "/tags/m.favourite", "", amy_).status, 200);
  EXPECT_EQ(server_->get(room + "/tags", amy_).body, R"({"tags":{"u.work":{}}})");
  EXPECT_EQ(server_->del(room + "/tags/not.there", "", amy_).status, 200);  // idempotent
}

TEST_F(AccountData, TagBodyIsChecked) {
  const std::string room = kBase + "@amy:localhost/rooms/!t2:localhost";
  const auto order = server_->put(room + "/tags/u.x", R"({"order":"first"})", amy_);
  EXPECT_EQ(order.status, 400);
  EXPECT_EQ(errcode(order), "M_BAD_JSON");
  const auto not_object = server_->put(room + "/tags/u.x", "[]", amy_);
  EXPECT_EQ(errcode(not_object), "M_BAD_JSON");
  EXPECT_EQ(server_->get(room + "/tags", amy_).body, R"({"tags":{}})");
}

TEST_F(AccountData, ConcurrentTagWritesAreAllKept) {
  const std::string room = kBase + "@ben:localhost/rooms/!c:localhost";
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      EXPECT_EQ(server_->put(room + "/tags/u.t" + std::to_string(i), "{}", ben_).status, 200);
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  const auto doc = server_->get(room + "/tags", ben_).json();
  EXPECT_EQ(doc["tags"].MemberCount(), 8u);  // a lost update would drop one
}

}  // namespace
}  // namespace hs::test
