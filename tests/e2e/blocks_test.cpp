// The block list over real HTTP: the endpoints, m.ignored_user_list as the same list, and
// enforcement (invites, friend requests, /sync, /messages, notifications).
#include <gtest/gtest.h>

#include "tests/support/matrix_client.h"

namespace hs::test {
namespace {

class Blocks : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  static std::string blocked(const std::string& token) {
    const auto r = s().get(kParley + "/blocks", token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::string out;
    const auto doc = r.json();  // the array lives in the document: keep it alive
    for (const auto& b : doc["blocks"].GetArray()) {
      out += std::string(b["user_id"].GetString()) + (b["blocked_at"].GetInt64() > 0 ? ";" : "?");
    }
    return out;
  }
  static std::string ignoredList(const std::string& user, const std::string& token) {
    const auto r = s().get(kV3 + "/user/" + enc(user) + "/account_data/m.ignored_user_list", token);
    return r.status == 200 ? r.body : "status " + std::to_string(r.status);
  }
  static TestServer* server_;
};
TestServer* Blocks::server_ = nullptr;

TEST_F(Blocks, BlockListAndIgnoredUserListAreOneList) {
  const auto ann = s().registerUser("ann");
  s().registerUser("bert");
  ASSERT_EQ(s().put(kParley + "/blocks/" + enc("@bert:localhost"), "{}", ann).status, 200);
  EXPECT_EQ(blocked(ann), "@bert:localhost;");
  EXPECT_EQ(ignoredList("@ann:localhost", ann), R"({"ignored_users":{"@bert:localhost":{}}})");
  // Blocking twice is not an error and changes nothing.
  EXPECT_EQ(s().put(kParley + "/blocks/" + enc("@bert:localhost"), "{}", ann).status, 200);
  EXPECT_EQ(blocked(ann), "@bert:localhost;");
  ASSERT_EQ(s().del(kParley + "/blocks/" + enc("@bert:localhost"), "", ann).status, 200);
  EXPECT_EQ(blocked(ann), "");
  EXPECT_EQ(ignoredList("@ann:localhost", ann), R"({"ignored_users":{}})");
}

TEST_F(Blocks, ClientWritesOfIgnoredUserListUpdateTheBlockList) {
  const auto cat = s().registerUser("cat");
  s().registerUser("dan");
  s().registerUser("eli");
  const std::string path = kV3 + "/user/" + enc("@cat:localhost") + "/account_data/m.ignored_user_list";
  ASSERT_EQ(s().put(path, R"({"ignored_users":{"@dan:localhost":{},"@eli:localhost":{}}})", cat).status, 200);
  EXPECT_EQ(blocked(cat), "@dan:localhost;@eli:localhost;");
  ASSERT_EQ(s().put(path, R"({"ignored_users":{"@eli:localhost":{}}})", cat).status, 200);
  EXPECT_EQ(blocked(cat), "@eli:localhost;");
  const auto self = s().put(path, R"({"ignored_users":{"@cat:localhost":{}}})", cat);
  EXPECT_EQ(self.status, 400);
  EXPECT_EQ(errcode(self), "M_INVALID_PARAM");
  const auto bad = s().put(path, R"({"ignored_users":["@dan:localhost"]})", cat);
  EXPECT_EQ(errcode(bad), "M_BAD_JSON");
  EXPECT_EQ(blocked(cat), "@eli:localhost;");  // refused writes changed nothing
}

TEST_F(Blocks, Refusals) {
  const auto fay = s().registerUser("fay");
  const auto self = s().put(kParley + "/blocks/" + enc("@fay:localhost"), "{}", fay);
  EXPECT_EQ(self.status, 400);
  EXPECT_EQ(errcode(self), "M_INVALID_PARAM");
  const auto unknown = s().put(kParley + "/blocks/" + enc("@nobody:localhost"), "{}", fay);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_EQ(errcode(unknown), "M_NOT_FOUND");
  const auto malformed = s().put(kParley + "/blocks/notauser", "{}", fay);
  EXPECT_EQ(errcode(malformed), "M_INVALID_PARAM");
  const auto not_blocked = s().del(kParley + "/blocks/" + enc("@ann:localhost"), "", fay);
  EXPECT_EQ(not_blocked.status, 404);
  EXPECT_EQ(errcode(not_blocked), "M_NOT_FOUND");
  const auto no_token = s().get(kParley + "/blocks");
  EXPECT_EQ(no_token.status, 401);
  EXPECT_EQ(errcode(no_token), "M_MISSING_TOKEN");
  EXPECT_EQ(blocked(fay), "");
}

TEST_F(Blocks, BlockedUsersInvitesAreRefused) {
  const auto gus = s().registerUser("gus");
  const auto hal = s().registerUser("hal");
  ASSERT_EQ(s().put(kParley + "/blocks/" + enc("@hal:localhost"), "{}", gus).status, 200);
  const std::string room = createRoom(s(), hal);
  const auto r = s().post(kV3 + "/rooms/" + enc(room) + "/invite", R"({"user_id":"@gus:localhost"})", hal);
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(errcode(r), "M_FORBIDDEN");
  const auto dm = s().post(kV3 + "/createRoom", R"({"is_direct":true,"invite":["@gus:localhost"]})", hal);
  EXPECT_EQ(dm.status, 403);
  EXPECT_EQ(errcode(dm), "M_FORBIDDEN");
  const auto gus_sync = sync(s(), gus);
  EXPECT_EQ(gus_sync["rooms"]["invite"].MemberCount(), 0u);
  // The other way round still works: gus may invite hal.
  const std::string gus_room = createRoom(s(), gus);
  invite(s(), gus, gus_room, "@hal:localhost");
}

TEST_F(Blocks, BlockedUsersFriendRequestsAreRefusedAndPendingOnesBecomeBlocked) {
  const auto ida = s().registerUser("ida");
  const auto jon = s().registerUser("jon");
  const auto req = s().post(kParley + "/friends/requests", R"({"user_id":"@ida:localhost"})", jon);
  ASSERT_EQ(req.status, 200) << req.body;
  ASSERT_EQ(s().put(kParley + "/blocks/" + enc("@jon:localhost"), "{}", ida).status, 200);
  const auto list = s().get(kParley + "/friends/requests?direction=incoming", ida).json();
  ASSERT_EQ(list["requests"].Size(), 1u);
  EXPECT_STREQ(list["requests"][0]["status"].GetString(), "blocked");
  const auto again = s().post(kParley + "/friends/requests", R"({"user_id":"@ida:localhost"})", jon);
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(errcode(again), "M_FORBIDDEN");
  const auto pending = s().get(kParley + "/friends/requests?direction=incoming&status=pending", ida).json();
  EXPECT_EQ(pending["requests"].Size(), 0u);
}

TEST_F(Blocks, BlockedUsersEventsAreLeftOutOfTheBlockersSyncMessagesAndNotifications) {
  const auto kim = s().registerUser("kim");
  const auto lou = s().registerUser("lou");
  const auto max = s().registerUser("max");
  const std::string room = groupWith(s(), kim, {{"@lou:localhost", lou}, {"@max:localhost", max}}, "Club");
  const std::string since = sync(s(), kim)["next_batch"].GetString();
  ASSERT_EQ(s().put(kParley + "/blocks/" + enc("@lou:localhost"), "{}", kim).status, 200);
  const std::string from_lou = sendText(s(), lou, room, "hello kim");
  const std::string from_max = sendText(s(), max, room, "hi all");

  const auto kim_sync = sync(s(), kim, since);
  const auto kim_ids = timelineIds(kim_sync, room);
  EXPECT_FALSE(contains(kim_ids, from_lou));
  EXPECT_TRUE(contains(kim_ids, from_max));
  // The blocked user still sees their own message, and the third member sees both.
  EXPECT_TRUE(contains(timelineIds(sync(s(), lou), room), from_lou));
  EXPECT_TRUE(contains(timelineIds(sync(s(), max), room), from_lou));

  const auto messages = s().get(kV3 + "/rooms/" + enc(room) + "/messages?dir=b&limit=50", kim).json();
  std::vector<std::string> history;
  for (const auto& e : messages["chunk"].GetArray()) {
    history.emplace_back(e["event_id"].GetString());
  }
  EXPECT_FALSE(contains(history, from_lou));
  EXPECT_TRUE(contains(history, from_max));

  const auto feed = s().get(kParley + "/notifications", kim).json();
  for (const auto& n : feed["notifications"].GetArray()) {
    EXPECT_NE(std::string(n["related_id"].IsString() ? n["related_id"].GetString() : ""), from_lou);
  }
  const auto pushed = s().get(kV3 + "/notifications", kim).json();
  std::vector<std::string> pushed_ids;
  for (const auto& n : pushed["notifications"].GetArray()) {
    pushed_ids.emplace_back(n["event"]["event_id"].GetString());
  }
  EXPECT_FALSE(contains(pushed_ids, from_lou));
  EXPECT_TRUE(contains(pushed_ids, from_max));
  EXPECT_EQ((*joinedRoom(kim_sync, room))["unread_notifications"]["notification_count"].GetInt64(), 1);
}

TEST_F(Blocks, IgnoredUserListReachesSync) {
  const auto ned = s().registerUser("ned");
  s().registerUser("ola");
  const std::string since = sync(s(), ned)["next_batch"].GetString();
  ASSERT_EQ(s().put(kParley + "/blocks/" + enc("@ola:localhost"), "{}", ned).status, 200);
  const auto doc = sync(s(), ned, since);
  bool found = false;
  for (const auto& e : doc["account_data"]["events"].GetArray()) {
    if (std::string(e["type"].GetString()) == "m.ignored_user_list") {
      found = e["content"]["ignored_users"].HasMember("@ola:localhost");
    }
  }
  EXPECT_TRUE(found);
}

}  // namespace
}  // namespace hs::test
