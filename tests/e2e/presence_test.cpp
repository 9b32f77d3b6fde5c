// Presence over real HTTP.
#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace hs::test {
namespace {

std::string errcode(const HttpResult& r) {
  const auto doc = r.json();
  return doc.IsObject() && doc.HasMember("errcode") ? doc["errcode"].GetString() : "(none)";
}

class Presence : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    gus_ = server_->registerUser("gus");
    hal_ = server_->registerUser("hal");
    ivy_ = server_->registerUser("ivy");
    // gus and hal share a room; ivy shares none with either.
    const auto room = server_->post("/_matrix/client/v3/createRoom",
                                    R"({"invite":["@hal:localhost"]})", gus_).json();
    const std::string room_id = room["room_id"].GetString();
    ASSERT_EQ(server_->post("/_matrix/client/v3/rooms/" + room_id + "/join", "{}", hal_).status, 200);
  }
  static void TearDownTestSuite() { delete server_; }
  static std::string status(const std::string& user) {
    return "/_matrix/client/v3/presence/" + user + "/status";
  }
  static TestServer* server_;
  static std::string gus_;
  static std::string hal_;
  static std::string ivy_;
};
TestServer* Presence::server_ = nullptr;
std::string Presence::gus_;
std::string Presence::hal_;
std::string Presence::ivy_;

TEST_F(Presence, NeverSetIsOffline) {
  const auto r = server_->get(status("@hal:localhost"), hal_);
  ASSERT_EQ(r.status, 200);
  const auto doc = r.json();
  EXPECT_STREQ(doc["presence"].GetString(), "offline");
  EXPECT_FALSE(doc.HasMember("last_active_ago"));
  EXPECT_FALSE(doc.HasMember("status_msg"));
}

TEST_F(Presence, SetOnlineWithStatusThenAway) {
  ASSERT_EQ(server_->put(status("@gus:localhost"), R"({"presence":"online","status_msg":"coding"})", gus_).status, 200);
  auto doc = server_->get(status("@gus:localhost"), hal_).json();  // who shares a room may read it
  EXPECT_STREQ(doc["presence"].GetString(), "online");
  EXPECT_STREQ(doc["status_msg"].GetString(), "coding");
  EXPECT_TRUE(doc["currently_active"].GetBool());
  ASSERT_TRUE(doc["last_active_ago"].IsInt64());
  EXPECT_GE(doc["last_active_ago"].GetInt64(), 0);
  EXPECT_LT(doc["last_active_ago"].GetInt64(), 60000);

  ASSERT_EQ(server_->put(status("@gus:localhost"), R"({"presence":"unavailable"})", gus_).status, 200);
  doc = server_->get("/_matrix/client/r0/presence/@gus:localhost/status", gus_).json();
  EXPECT_STREQ(doc["presence"].GetString(), "unavailable");
  EXPECT_FALSE(doc.HasMember("status_msg"));  // a PUT without status_msg clears it
  EXPECT_FALSE(doc["currently_active"].GetBool());
  EXPECT_TRUE(doc.HasMember("last_active_ago"));  // still the last time gus was online
}

TEST_F(Presence, OnlyYourOwn) {
  const auto r = server_->put(status("@hal:localhost"), R"({"presence":"online"})", gus_);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(errcode(r), "M_FORBIDDEN");
  EXPECT_STREQ(server_->get(status("@hal:localhost"), hal_).json()["presence"].GetString(), "offline");
}

// The spec's 403: a user who shares no room with the target may not read its presence (as
// Synapse does); their own is always readable.
TEST_F(Presence, StrangersMayNotRead) {
  ASSERT_EQ(server_->put(status("@gus:localhost"), R"({"presence":"online","status_msg":"x"})", gus_).status, 200);
  const auto r = server_->get(status("@gus:localhost"), ivy_);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(errcode(r), "M_FORBIDDEN");
  EXPECT_EQ(r.body.find("online"), std::string::npos) << r.body;
  EXPECT_EQ(server_->get(status("@ivy:localhost"), ivy_).status, 200);
  EXPECT_EQ(server_->get(status("@gus:localhost"), hal_).status, 200);
}

TEST_F(Presence, UnknownUsersAreNotFound) {
  for (const std::string user : {"@nobody:localhost", "@gus:elsewhere.example"}) {
    const auto r = server_->get(status(user), gus_);
    EXPECT_EQ(r.status, 404) << user;
    EXPECT_EQ(errcode(r), "M_NOT_FOUND") << user;
  }
  EXPECT_EQ(errcode(server_->get(status("gus"), gus_)), "M_INVALID_PARAM");
}

TEST_F(Presence, BadBodies) {
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"presence":"busy"})", "M_INVALID_PARAM"},
      {R"({"status_msg":"hi"})", "M_MISSING_PARAM"},
      {R"({"presence":1})", "M_BAD_JSON"},
      {R"({"presence":"online","status_msg":5})", "M_BAD_JSON"},
      {"[]", "M_BAD_JSON"},
      {"online", "M_NOT_JSON"},
  };
  for (const auto& [body, code] : cases) {
    const auto r = server_->put(status("@hal:localhost"), body, hal_);
    EXPECT_EQ(r.status, 400) << body;
    EXPECT_EQ(errcode(r), code) << body;
  }
}

}  // namespace
}  // namespace hs::test

namespace hs::test {
namespace {

bool hasPresenceOf(const json::Value& sync, const std::string& user) {
  for (const auto& e : sync["presence"]["events"].GetArray()) {
    if (e.HasMember("sender") && e["sender"].GetString() == user) {
      return true;
    }
  }
  return false;
}

// A user whose presence was set before they shared a room with the syncing user appears in
// its next incremental sync (Complement's "Existing members see new members' presence").
TEST(PresenceOfNewRoomMates, ArrivesInTheNextIncrementalSync) {
  TestServer server;
  const std::string kim = server.registerUser("kim");
  const std::string lou = server.registerUser("lou");
  ASSERT_EQ(server.put("/_matrix/client/v3/presence/@lou:localhost/status", R"({"presence":"online"})", lou).status,
            200);
  const auto room = server.post("/_matrix/client/v3/createRoom", R"({"preset":"public_chat"})", kim).json();
  const std::string room_id = room["room_id"].GetString();
  const auto first = server.get("/_matrix/client/v3/sync?timeout=0", kim).json();
  EXPECT_FALSE(hasPresenceOf(first, "@lou:localhost"));
  ASSERT_EQ(server.post("/_matrix/client/v3/rooms/" + room_id + "/join", "{}", lou).status, 200);
  const auto next = server.get("/_matrix/client/v3/sync?timeout=0&since=" +
                                   std::string(first["next_batch"].GetString()), kim).json();
  EXPECT_TRUE(hasPresenceOf(next, "@lou:localhost"));
}

}  // namespace
}  // namespace hs::test
