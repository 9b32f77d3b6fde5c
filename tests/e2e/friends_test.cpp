// Friend requests and friends over real HTTP: the whole life of a request, every refusal
// (each of which changes nothing), and the direct conversation opened on acceptance.
#include <gtest/gtest.h>

#include <future>

#include "tests/support/matrix_client.h"

namespace hs::test {
namespace {

class Friends : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  static HttpResult request(const std::string& token, const std::string& to, const std::string& msg = "") {
    return s().post(kParley + "/friends/requests",
                    R"({"user_id":")" + to + "\"" + (msg.empty() ? "" : R"(,"message":")" + msg + "\"") + "}",
                    token);
  }
  static std::string requestId(const std::string& token, const std::string& to) {
    const auto r = request(token, to);
    EXPECT_EQ(r.status, 200) << r.body;
    const auto doc = r.json();
    return doc.IsObject() && doc.HasMember("request_id") ? doc["request_id"].GetString() : "";
  }
  static json::Document requests(const std::string& token, const std::string& query = "") {
    const auto r = s().get(kParley + "/friends/requests" + query, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static std::vector<std::string> friendIds(const std::string& token) {
    const auto r = s().get(kParley + "/friends", token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const auto doc = r.json();  // the array lives in the document: keep it alive
    for (const auto& f : doc["friends"].GetArray()) {
      out.emplace_back(f["user_id"].GetString());
    }
    return out;
  }
  static std::string action(const std::string& id, const char* what) {
    return kParley + "/friends/requests/" + enc(id) + "/" + what;
  }
  static TestServer* server_;
};
TestServer* Friends::server_ = nullptr;

TEST_F(Friends, RequestAcceptOpensADirectConversation) {
  const auto amy = s().registerUser("amy");
  const auto bob = s().registerUser("bob");
  ASSERT_EQ(s().put(kV3 + "/profile/" + enc("@amy:localhost") + "/displayname", R"({"displayname":"Amy"})", amy).status, 200);
  const std::string id = requestId(amy, "@bob:localhost");
  EXPECT_NE(id.find(":localhost"), std::string::npos);  // unique across servers

  const auto incoming = requests(bob, "?direction=incoming&status=pending");
  ASSERT_EQ(incoming["requests"].Size(), 1u);
  const auto& r = incoming["requests"][0];
  EXPECT_EQ(r["request_id"].GetString(), id);
  EXPECT_STREQ(r["requester"].GetString(), "@amy:localhost");
  EXPECT_STREQ(r["addressee"].GetString(), "@bob:localhost");
  EXPECT_STREQ(r["status"].GetString(), "pending");
  EXPECT_TRUE(r["message"].IsNull());
  EXPECT_GT(r["created_at"].GetInt64(), 0);
  EXPECT_EQ(requests(amy, "?direction=outgoing")["requests"].Size(), 1u);
  EXPECT_EQ(requests(amy, "?direction=incoming")["requests"].Size(), 0u);

  const auto accepted = s().post(action(id, "accept"), "{}", bob);
  ASSERT_EQ(accepted.status, 200) << accepted.body;
  const std::string room = accepted.json()["room_id"].GetString();
  EXPECT_EQ(friendIds(amy), std::vector<std::string>{"@bob:localhost"});
  EXPECT_EQ(friendIds(bob), std::vector<std::string>{"@amy:localhost"});
  const auto bob_friends = s().get(kParley + "/friends", bob).json();
  EXPECT_STREQ(bob_friends["friends"][0]["displayname"].GetString(), "Amy");
  EXPECT_GT(bob_friends["friends"][0]["since"].GetInt64(), 0);

  // Both are in the direct room, and it is in both users' m.direct.
  for (const auto& [user, token] : {std::pair{"@amy:localhost", amy}, std::pair{"@bob:localhost", bob}}) {
    const auto members = s().get(kV3 + "/rooms/" + enc(room) + "/joined_members", token);
    ASSERT_EQ(members.status, 200) << members.body;
    EXPECT_EQ(members.json()["joined"].MemberCount(), 2u);
    const auto m_direct = s().get(kV3 + "/user/" + enc(user) + "/account_data/m.direct", token);
    EXPECT_NE(m_direct.body.find(room), std::string::npos) << user << m_direct.body;
  }
  const auto again = s().post(action(id, "accept"), "{}", bob);
  EXPECT_EQ(again.status, 403);
  EXPECT_EQ(errcode(again), "M_FORBIDDEN");
}

TEST_F(Friends, RefusalsChangeNothing) {
  const auto cy = s().registerUser("cy");
  s().registerUser("di");
  const auto expect = [&](const HttpResult& r, long status, const char* code) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_EQ(errcode(r), code) << r.body;
  };
  expect(request(cy, "@cy:localhost"), 400, "M_INVALID_PARAM");
  expect(request(cy, "not-a-user"), 400, "M_INVALID_PARAM");
  const auto remote = request(cy, "@di:other.example");
  expect(remote, 400, "M_UNRECOGNIZED");
  EXPECT_NE(remote.body.find("friend requests to users of other servers are not supported yet"), std::string::npos);
  expect(request(cy, "@nobody:localhost"), 404, "M_NOT_FOUND");
  expect(s().post(kParley + "/friends/requests", "{}", cy), 400, "M_MISSING_PARAM");
  EXPECT_EQ(requests(cy)["requests"].Size(), 0u);

  requestId(cy, "@di:localhost");
  expect(request(cy, "@di:localhost"), 403, "M_FORBIDDEN");  // a duplicate
  const auto di = s().post(kV3 + "/login", R"({"type":"m.login.password","user":"di","password":"password123"})");
  const std::string di_token = di.json()["access_token"].GetString();
  expect(request(di_token, "@cy:localhost"), 403, "M_FORBIDDEN");  // the reverse of a pending one
  EXPECT_EQ(requests(cy)["requests"].Size(), 1u);
  EXPECT_EQ(requests(di_token)["requests"].Size(), 1u);
  expect(s().get(kParley + "/friends/requests?direction=sideways", cy), 400, "M_INVALID_PARAM");
  expect(s().get(kParley + "/friends/requests?status=maybe", cy), 400, "M_INVALID_PARAM");
}

TEST_F(Friends, RejectAndRequestAgain) {
  const auto ed = s().registerUser("ed");
  const auto flo = s().registerUser("flo");
  const std::string first = requestId(ed, "@flo:localhost");
  const auto by_requester = s().post(action(first, "reject"), "{}", ed);
  EXPECT_EQ(errcode(by_requester), "M_FORBIDDEN");
  ASSERT_EQ(s().post(action(first, "reject"), "{}", flo).status, 200);
  const auto rejected = requests(ed, "?status=rejected");
  ASSERT_EQ(rejected["requests"].Size(), 1u);
  EXPECT_STREQ(rejected["requests"][0]["status"].GetString(), "rejected");
  EXPECT_TRUE(friendIds(ed).empty());
  const std::string second = requestId(ed, "@flo:localhost");  // a rejection is not forever
  EXPECT_NE(first, second);
}

TEST_F(Friends, OnlyTheRequesterCancelsAndStrangersSeeNothing) {
  const auto gil = s().registerUser("gil");
  const auto hap = s().registerUser("hap");
  const auto ivo = s().registerUser("ivo");
  const std::string id = requestId(gil, "@hap:localhost");
  EXPECT_EQ(errcode(s().post(action(id, "accept"), "{}", gil)), "M_FORBIDDEN");
  EXPECT_EQ(errcode(s().del(kParley + "/friends/requests/" + enc(id), "", hap)), "M_FORBIDDEN");
  const auto stranger = s().post(action(id, "accept"), "{}", ivo);
  EXPECT_EQ(stranger.status, 404);
  EXPECT_EQ(errcode(stranger), "M_NOT_FOUND");
  EXPECT_EQ(errcode(s().post(action("nope:localhost", "accept"), "{}", hap)), "M_NOT_FOUND");
  ASSERT_EQ(s().del(kParley + "/friends/requests/" + enc(id), "", gil).status, 200);
  EXPECT_EQ(requests(hap)["requests"].Size(), 0u);
  EXPECT_EQ(errcode(s().post(action(id, "accept"), "{}", hap)), "M_NOT_FOUND");
}

TEST_F(Friends, UnfriendAndBefriendAgainReusesTheConversation) {
  const auto jo = s().registerUser("jo");
  const auto kai = s().registerUser("kai");
  const std::string first = requestId(jo, "@kai:localhost");
  const auto a = s().post(action(first, "accept"), "{}", kai);
  ASSERT_EQ(a.status, 200);
  const std::string room = a.json()["room_id"].GetString();
  ASSERT_EQ(s().del(kParley + "/friends/" + enc("@kai:localhost"), "", jo).status, 200);
  EXPECT_TRUE(friendIds(kai).empty());
  const auto twice = s().del(kParley + "/friends/" + enc("@kai:localhost"), "", jo);
  EXPECT_EQ(twice.status, 404);
  EXPECT_EQ(errcode(twice), "M_NOT_FOUND");
  const std::string second = requestId(kai, "@jo:localhost");
  const auto b = s().post(action(second, "accept"), "{}", jo);
  ASSERT_EQ(b.status, 200);
  EXPECT_EQ(b.json()["room_id"].GetString(), room);
}

TEST_F(Friends, RequestsAndAnswersReachTheFeed) {
  const auto lea = s().registerUser("lea");
  const auto mo = s().registerUser("mo");
  const std::string id = requestId(lea, "@mo:localhost");
  const auto feed = s().get(kParley + "/notifications", mo).json();
  ASSERT_GE(feed["notifications"].Size(), 1u);
  const auto& n = feed["notifications"][0];
  EXPECT_STREQ(n["type"].GetString(), "friend_request");
  EXPECT_EQ(n["related_id"].GetString(), id);
  EXPECT_FALSE(n["is_read"].GetBool());
  ASSERT_EQ(s().post(action(id, "accept"), "{}", mo).status, 200);
  const auto lea_feed = s().get(kParley + "/notifications", lea).json();
  bool accepted = false;
  for (const auto& x : lea_feed["notifications"].GetArray()) {
    accepted = accepted || (std::string(x["type"].GetString()) == "friend_request" &&
                            std::string(x["title"].GetString()).find("accepted") != std::string::npos);
  }
  EXPECT_TRUE(accepted);
}

// Ten accepts at once made ten direct rooms (each opened its room before answering).
TEST_F(Friends, ConcurrentAcceptsOpenOneRoom) {
  const auto nat = s().registerUser("nat");
  const auto oz = s().registerUser("oz");
  const std::string id = requestId(nat, "@oz:localhost");
  std::vector<std::future<HttpResult>> answers;
  for (int i = 0; i < 10; ++i) {
    answers.push_back(std::async(std::launch::async, [&] { return s().post(action(id, "accept"), "{}", oz); }));
  }
  int ok = 0;
  int refused = 0;
  for (auto& f : answers) {
    const auto r = f.get();
    ok += r.status == 200;
    refused += r.status == 403 && errcode(r) == "M_FORBIDDEN";
  }
  EXPECT_EQ(ok, 1);
  EXPECT_EQ(refused, 9);
  for (const auto& token : {nat, oz}) {
    const auto rooms = s().get(kV3 + "/joined_rooms", token);
    ASSERT_EQ(rooms.status, 200);
    EXPECT_EQ(rooms.json()["joined_rooms"].Size(), 1u) << rooms.body;
  }
}

TEST_F(Friends, NeedAnAccessToken) {
  EXPECT_EQ(s().get(kParley + "/friends").status, 401);
  EXPECT_EQ(s().post(kParley + "/friends/requests", R"({"user_id":"@amy:localhost"})").status, 401);
}

}  // namespace
}  // namespace hs::test
