// Notifications over real HTTP: the im.parley feed (types, read flags, paging), the Matrix
// side (GET /notifications, unread counts in /sync that a read receipt clears, mentions and
// keywords that highlight, per-thread counts).
#include <gtest/gtest.h>

#include "tests/support/matrix_client.h"

namespace hs::test {
namespace {

using Pair = std::pair<int64_t, int64_t>;

class Notifications : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  static json::Document feed(const std::string& token, const std::string& query = "") {
    const auto r = s().get(kParley + "/notifications" + query, token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  // "type:title" of each feed entry, newest first.
  static std::vector<std::string> feedTypes(const std::string& token) {
    std::vector<std::string> out;
    const auto doc = feed(token);  // the array lives in the document: keep it alive
    for (const auto& n : doc["notifications"].GetArray()) {
      out.push_back(std::string(n["type"].GetString()) + ":" + n["title"].GetString());
    }
    return out;
  }
  static std::pair<int64_t, int64_t> counts(const std::string& token, const std::string& room) {
    const auto doc = sync(s(), token);
    const json::Value* r = joinedRoom(doc, room);
    if (r == nullptr) {
      ADD_FAILURE() << "room not in sync";
      return {-1, -1};
    }
    return {(*r)["unread_notifications"]["notification_count"].GetInt64(),
            (*r)["unread_notifications"]["highlight_count"].GetInt64()};
  }
  static TestServer* server_;
};
TestServer* Notifications::server_ = nullptr;

TEST_F(Notifications, FeedHasInvitesMessagesAndGroupUpdates) {
  const auto ann = s().registerUser("ann");
  const auto ben = s().registerUser("ben");
  ASSERT_EQ(s().put(kV3 + "/profile/" + enc("@ann:localhost") + "/displayname", R"({"displayname":"Ann"})", ann).status, 200);
  const std::string room = createRoom(s(), ann, R"({"name":"Book club"})");
  invite(s(), ann, room, "@ben:localhost");
  join(s(), ben, room);
  sendText(s(), ann, room, "welcome");
  ASSERT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/state/m.room.topic", R"({"topic":"Dune"})", ann).status, 200);
  const auto types = feedTypes(ben);
  ASSERT_EQ(types.size(), 3u) << ::testing::PrintToString(types);
  EXPECT_EQ(types[0], "group_update:Book club was updated");
  EXPECT_EQ(types[1], "new_message:Ann in Book club");
  EXPECT_EQ(types[2], "group_invite:Ann invited you to Book club");
  const auto doc = feed(ben);
  EXPECT_STREQ(doc["notifications"][0]["body"].GetString(), "Ann changed the topic to Dune");
  EXPECT_STREQ(doc["notifications"][1]["body"].GetString(), "welcome");
  EXPECT_EQ(doc["notifications"][2]["related_id"].GetString(), room);
  EXPECT_EQ(doc["unread_count"].GetInt64(), 2);  // joining is acting on the invite: read
  EXPECT_TRUE(doc["notifications"][2]["is_read"].GetBool());
  // Ann hears of ben joining her group, and of nothing she did herself.
  const auto ann_feed = feed(ann);
  ASSERT_EQ(ann_feed["notifications"].Size(), 1u);
  EXPECT_STREQ(ann_feed["notifications"][0]["type"].GetString(), "group_update");
  EXPECT_STREQ(ann_feed["notifications"][0]["body"].GetString(), "ben joined");
}

TEST_F(Notifications, OthersJoiningABigRoomIsNotNews) {
  const auto host = s().registerUser("bighost");
  const std::string room = createRoom(s(), host, R"({"name":"Town square","preset":"public_chat"})");
  // 50 joined members (the host and 49 others): still a group, every join is news.
  for (int i = 1; i < 50; ++i) {
    join(s(), s().registerUser("crowd" + std::to_string(i)), room);
  }
  const size_t host_feed = feed(host, "?limit=100")["notifications"].Size();
  EXPECT_EQ(host_feed, 49u);  // "crowdN joined", one per join
  // Past 50 it is a big room: further joins add no entry to anyone's feed...
  const auto late = s().registerUser("latecomer");
  join(s(), late, room);
  join(s(), s().registerUser("latest"), room);
  EXPECT_EQ(feed(host, "?limit=100")["notifications"].Size(), host_feed);
  EXPECT_EQ(feed(late)["notifications"].Size(), 0u);
  // ...while an update of the room itself, and a change to one's own membership, still are.
  ASSERT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/state/m.room.topic", R"({"topic":"Market day"})", host).status, 200);
  EXPECT_EQ(feedTypes(late), (std::vector<std::string>{"group_update:Town square was updated"}));
  const auto guest = s().registerUser("guest");
  invite(s(), host, room, "@guest:localhost");
  EXPECT_EQ(feedTypes(guest), (std::vector<std::string>{"group_invite:bighost invited you to Town square"}));
}

TEST_F(Notifications, ReadFlagsAndPaging) {
  const auto cy = s().registerUser("cy");
  const auto di = s().registerUser("di");
  const std::string room = groupWith(s(), cy, {{"@di:localhost", di}});
  for (int i = 0; i < 5; ++i) {
    sendText(s(), cy, room, "m" + std::to_string(i));
  }
  const auto first = feed(di, "?limit=2");
  ASSERT_EQ(first["notifications"].Size(), 2u);
  ASSERT_TRUE(first["next_token"].IsString());
  EXPECT_STREQ(first["notifications"][0]["body"].GetString(), "m4");
  const auto second = feed(di, std::string("?limit=10&from=") + first["next_token"].GetString());
  EXPECT_STREQ(second["notifications"][0]["body"].GetString(), "m2");
  EXPECT_TRUE(second["next_token"].IsNull());
  EXPECT_EQ(first["unread_count"].GetInt64(), 5);  // five messages (joining read the invite)

  const std::string id = first["notifications"][0]["id"].GetString();
  ASSERT_EQ(s().post(kParley + "/notifications/" + id + "/read", "{}", di).status, 200);
  EXPECT_TRUE(feed(di, "?limit=1")["notifications"][0]["is_read"].GetBool());
  EXPECT_EQ(feed(di, "?only_unread=true")["notifications"].Size(), 4u);
  const auto foreign = s().post(kParley + "/notifications/" + id + "/read", "{}", cy);
  EXPECT_EQ(foreign.status, 404);
  EXPECT_EQ(errcode(foreign), "M_NOT_FOUND");
  EXPECT_EQ(errcode(s().post(kParley + "/notifications/abc/read", "{}", di)), "M_NOT_FOUND");
  EXPECT_EQ(errcode(s().get(kParley + "/notifications?from=xyz", di)), "M_INVALID_PARAM");
  EXPECT_EQ(errcode(s().get(kParley + "/notifications?only_unread=maybe", di)), "M_INVALID_PARAM");
  ASSERT_EQ(s().post(kParley + "/notifications/read_all", "{}", di).status, 200);
  const auto after = feed(di, "?only_unread=true");
  EXPECT_EQ(after["notifications"].Size(), 0u);
  EXPECT_EQ(after["unread_count"].GetInt64(), 0);
}

TEST_F(Notifications, UnreadCountsGoDownWithAReadReceipt) {
  const auto ed = s().registerUser("ed");
  const auto flo = s().registerUser("flo");
  const auto gil = s().registerUser("gil");
  const std::string room = groupWith(s(), ed, {{"@flo:localhost", flo}, {"@gil:localhost", gil}});
  sendText(s(), ed, room, "one");
  const std::string two = sendText(s(), ed, room, "two");
  const std::string three = sendText(s(), gil, room, "hey flo", R"("m.mentions":{"user_ids":["@flo:localhost"]})");
  EXPECT_EQ(counts(flo, room), Pair(3, 1));
  sendReceipt(s(), flo, room, two);
  EXPECT_EQ(counts(flo, room), Pair(1, 1));
  sendReceipt(s(), flo, room, three, "m.read.private");
  EXPECT_EQ(counts(flo, room), Pair(0, 0));
  // The feed entries the receipt covered are read as well.
  EXPECT_EQ(feed(flo, "?only_unread=true")["notifications"].Size(), 0u);
}

TEST_F(Notifications, SendingAMessageReadsTheRoom) {
  const auto hal = s().registerUser("hal");
  const auto ivy = s().registerUser("ivy");
  const std::string room = groupWith(s(), hal, {{"@ivy:localhost", ivy}});
  sendText(s(), hal, room, "ping");
  EXPECT_EQ(counts(ivy, room).first, 1);
  sendText(s(), ivy, room, "pong");
  EXPECT_EQ(counts(ivy, room).first, 0);
  EXPECT_EQ(counts(hal, room).first, 1);
}

TEST_F(Notifications, MatrixNotificationsListAndHighlightFilter) {
  const auto jo = s().registerUser("jo");
  const auto kai = s().registerUser("kai");
  const auto lu = s().registerUser("lu");
  const std::string room = groupWith(s(), jo, {{"@kai:localhost", kai}, {"@lu:localhost", lu}});
  const std::string plain = sendText(s(), jo, room, "plain");
  const std::string mention = sendText(s(), jo, room, "kai!", R"("m.mentions":{"user_ids":["@kai:localhost"]})");
  const auto r = s().get(kV3 + "/notifications", kai);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  ASSERT_EQ(doc["notifications"].Size(), 3u);  // the invite and two messages
  const auto& top = doc["notifications"][0];
  EXPECT_EQ(top["event"]["event_id"].GetString(), mention);
  EXPECT_EQ(top["room_id"].GetString(), room);
  EXPECT_FALSE(top["read"].GetBool());
  EXPECT_GT(top["ts"].GetInt64(), 0);
  ASSERT_TRUE(top.HasMember("profile_tag")) << r.body;  // null: no rule here has a tag
  EXPECT_TRUE(top["profile_tag"].IsNull());
  EXPECT_NE(r.body.find("highlight"), std::string::npos);
  const auto only = s().get(kV3 + "/notifications?only=highlight", kai).json();
  ASSERT_EQ(only["notifications"].Size(), 1u);
  EXPECT_EQ(only["notifications"][0]["event"]["event_id"].GetString(), mention);
  sendReceipt(s(), kai, room, mention);
  const auto read = s().get(kV3 + "/notifications?limit=1", kai).json();
  EXPECT_TRUE(read["notifications"][0]["read"].GetBool());
  EXPECT_TRUE(read.HasMember("next_token"));
  (void)plain;
}

TEST_F(Notifications, KeywordRulesHighlight) {
  const auto mo = s().registerUser("mo");
  const auto ned = s().registerUser("ned");
  const std::string room = groupWith(s(), mo, {{"@ned:localhost", ned}});
  ASSERT_EQ(s().put(kV3 + "/pushrules/global/content/cake",
                    R"({"pattern":"cake","actions":["notify",{"set_tweak":"highlight"}]})", ned).status, 200);
  sendText(s(), mo, room, "There is CAKE in the kitchen");
  sendText(s(), mo, room, "cupcakes are not cake-free");
  sendText(s(), mo, room, "cupcakes");
  EXPECT_EQ(counts(ned, room), Pair(3, 2));
}

TEST_F(Notifications, ThreadCountsWhenTheFilterAsks) {
  const auto ola = s().registerUser("ola");
  const auto pia = s().registerUser("pia");
  const std::string room = groupWith(s(), ola, {{"@pia:localhost", pia}});
  const std::string root = sendText(s(), ola, room, "root");
  sendText(s(), ola, room, "in thread", R"("m.relates_to":{"rel_type":"m.thread","event_id":")" + root + "\"}");
  const std::string filter = R"({"room":{"timeline":{"unread_thread_notifications":true}}})";
  const auto doc = sync(s(), pia, "", filter);
  const json::Value* r = joinedRoom(doc, room);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ((*r)["unread_notifications"]["notification_count"].GetInt64(), 1);
  EXPECT_EQ((*r)["unread_thread_notifications"][root.c_str()]["notification_count"].GetInt64(), 1);
  EXPECT_EQ(counts(pia, room).first, 2);  // without the filter: one count for the room
}

}  // namespace
}  // namespace hs::test
