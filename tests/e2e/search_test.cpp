// POST /search over real HTTP: PostgreSQL full-text search of room events, ordering, paging,
// context, groupings, filters and history visibility.
#include <gtest/gtest.h>

#include <set>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class Search : public RoomSuite<Search> {
 protected:
  static HttpResult search(const User& u, const std::string& room_events, const std::string& query = "") {
    return s().post(kV3 + "/search" + query, R"({"search_categories":{"room_events":)" + room_events + "}}",
                    u.token);
  }
  // The room_events answer of a search that must succeed.
  static json::Document roomEvents(const User& u, const std::string& room_events,
                                   const std::string& query = "") {
    const auto r = search(u, room_events, query);
    EXPECT_EQ(r.status, 200) << r.body;
    json::Document doc = r.json();
    json::Document out;
    if (doc.IsObject() && doc.HasMember("search_categories") &&
        doc["search_categories"].HasMember("room_events")) {
      out.CopyFrom(doc["search_categories"]["room_events"], out.GetAllocator());
    }
    return out;
  }
  static std::vector<std::string> bodies(const json::Value& room_events) {
    std::vector<std::string> out;
    for (const auto& r : room_events["results"].GetArray()) {
      out.push_back(str(r["result"]["content"], "body"));
    }
    return out;
  }
};

TEST_F(Search, FindsMessagesByStemmedWordsInRankAndRecentOrder) {
  const User a = newUser("srch_a");
  const std::string room = createRoom(a);
  send(a, room, "the quick brown zebrafox");
  send(a, room, "a lazy dog sleeps");
  send(a, room, "zebrafox and zebrafox again");
  auto rank = roomEvents(a, R"({"search_term":"zebrafox"})");
  ASSERT_TRUE(rank.IsObject());
  EXPECT_EQ(rank["count"].GetInt64(), 2);
  // Two occurrences rank above one.
  EXPECT_EQ(bodies(rank), (std::vector<std::string>{"zebrafox and zebrafox again", "the quick brown zebrafox"}));
  EXPECT_GT(rank["results"][0]["rank"].GetDouble(), rank["results"][1]["rank"].GetDouble());
  EXPECT_EQ(str(rank["results"][0]["result"], "room_id"), room);
  EXPECT_EQ(std::string(rank["highlights"][0].GetString()), "zebrafox");
  EXPECT_FALSE(rank.HasMember("next_batch"));
  auto recent = roomEvents(a, R"({"search_term":"ZEBRAFOX","order_by":"recent"})");
  EXPECT_EQ(bodies(recent), (std::vector<std::string>{"zebrafox and zebrafox again", "the quick brown zebrafox"}));
  // Full-text, not substring: "sleeping" finds "sleeps" (English stemming), "zebra" finds nothing.
  EXPECT_EQ(bodies(roomEvents(a, R"({"search_term":"sleeping"})")), (std::vector<std::string>{"a lazy dog sleeps"}));
  EXPECT_EQ(roomEvents(a, R"({"search_term":"zebra"})")["results"].Size(), 0u);
}

TEST_F(Search, KeysSelectBodyNameOrTopic) {
  const User a = newUser("srch_k");
  const std::string room = createRoom(a, R"({"name":"Quasarology club","topic":"all about quasarology"})");
  send(a, room, "quasarology tonight");
  const auto names = roomEvents(a, R"({"search_term":"quasarology","keys":["content.name"]})");
  ASSERT_EQ(names["results"].Size(), 1u);
  EXPECT_EQ(str(names["results"][0]["result"], "type"), "m.room.name");
  const auto topics = roomEvents(a, R"({"search_term":"quasarology","keys":["content.topic"]})");
  ASSERT_EQ(topics["results"].Size(), 1u);
  EXPECT_EQ(str(topics["results"][0]["result"], "type"), "m.room.topic");
  EXPECT_EQ(roomEvents(a, R"({"search_term":"quasarology"})")["count"].GetInt64(), 3);
}

TEST_F(Search, OnlyJoinedRoomsAndVisibleHistory) {
  const User a = newUser("srch_va");
  const User b = newUser("srch_vb");
  const User outsider = newUser("srch_vc");
  const std::string room = createRoom(a, R"({"preset":"public_chat"})");
  ASSERT_EQ(putState(a, room, "m.room.history_visibility", "", R"({"history_visibility":"joined"})").status, 200);
  send(a, room, "bolometer before");
  ASSERT_EQ(join(b, room).status, 200);
  send(a, room, "bolometer after");
  EXPECT_EQ(bodies(roomEvents(b, R"({"search_term":"bolometer"})")), (std::vector<std::string>{"bolometer after"}));
  EXPECT_EQ(bodies(roomEvents(a, R"({"search_term":"bolometer","order_by":"recent"})")),
            (std::vector<std::string>{"bolometer after", "bolometer before"}));
  const auto none = roomEvents(outsider, R"({"search_term":"bolometer"})");
  EXPECT_EQ(none["results"].Size(), 0u);
  EXPECT_EQ(none["count"].GetInt64(), 0);
  // After leaving, the room is no longer searched (as Synapse: joined rooms only).
  ASSERT_EQ(leave(b, room).status, 200);
  EXPECT_EQ(roomEvents(b, R"({"search_term":"bolometer"})")["results"].Size(), 0u);
}

TEST_F(Search, RedactedMessagesAreNotFound) {
  const User a = newUser("srch_r");
  const std::string room = createRoom(a);
  const std::string id = send(a, room, "ephemeralword here");
  ASSERT_EQ(roomEvents(a, R"({"search_term":"ephemeralword"})")["results"].Size(), 1u);
  ASSERT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/redact/" + enc(id) + "/" + txn(), "{}", a.token).status, 200);
  EXPECT_EQ(roomEvents(a, R"({"search_term":"ephemeralword"})")["results"].Size(), 0u);
}

TEST_F(Search, NextBatchPagesThroughEveryResultInBothOrders) {
  const User a = newUser("srch_p");
  const std::string room = createRoom(a);
  for (int i = 0; i < 5; ++i) {
    send(a, room, "pagination" + std::string(i % 2 ? " pagination" : "") + " item" + std::to_string(i));
  }
  for (const std::string order : {"rank", "recent"}) {
    const std::string criteria = R"({"search_term":"pagination","order_by":")" + order + R"(","filter":{"limit":2}})";
    std::set<std::string> seen;
    std::string query;
    int pages = 0;
    while (pages < 10) {
      const auto page = roomEvents(a, criteria, query);
      ++pages;
      EXPECT_EQ(page["count"].GetInt64(), 5);
      for (const auto& b : bodies(page)) {
        EXPECT_TRUE(seen.insert(b).second) << order << " repeated " << b;
      }
      if (!page.HasMember("next_batch")) {
        break;
      }
      query = "?next_batch=" + enc(page["next_batch"].GetString());
    }
    EXPECT_EQ(seen.size(), 5u) << order;
    EXPECT_EQ(pages, 3) << order;
  }
  // A token of the other order, or garbage, is refused.
  const auto recent = roomEvents(a, R"({"search_term":"pagination","order_by":"recent","filter":{"limit":1}})");
  ASSERT_TRUE(recent.HasMember("next_batch"));
  EXPECT_MATRIX_ERROR(search(a, R"({"search_term":"pagination"})",
                             "?next_batch=" + enc(recent["next_batch"].GetString())),
                      400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(search(a, R"({"search_term":"x"})", "?next_batch=nonsense"), 400, "M_INVALID_PARAM");
}

TEST_F(Search, EventContextProfilesGroupsAndState) {
  const User a = newUser("srch_c");
  const User b = newUser("srch_cb");
  const std::string room = createRoom(a, R"({"preset":"public_chat","name":"Ctx room"})");
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(s().put(kV3 + "/profile/" + enc(b.id) + "/displayname", R"({"displayname":"Bee"})", b.token).status, 200);
  send(a, room, "one");
  send(b, room, "two");
  send(b, room, "the ornithopter");
  send(a, room, "three");
  send(a, room, "four");
  const auto r = roomEvents(a, R"({"search_term":"ornithopter","include_state":true,
      "event_context":{"before_limit":2,"after_limit":1,"include_profile":true},
      "groupings":{"group_by":[{"key":"room_id"},{"key":"sender"}]}})");
  ASSERT_EQ(r["results"].Size(), 1u);
  const auto& c = r["results"][0]["context"];
  ASSERT_EQ(c["events_before"].Size(), 2u);
  EXPECT_EQ(str(c["events_before"][0]["content"], "body"), "two");
  EXPECT_EQ(str(c["events_before"][1]["content"], "body"), "one");
  ASSERT_EQ(c["events_after"].Size(), 1u);
  EXPECT_EQ(str(c["events_after"][0]["content"], "body"), "three");
  EXPECT_FALSE(str(c, "start").empty());
  EXPECT_FALSE(str(c, "end").empty());
  EXPECT_EQ(str(c["profile_info"][b.id.c_str()], "displayname"), "Bee");
  const std::string id = str(r["results"][0]["result"], "event_id");
  EXPECT_EQ(std::string(r["groups"]["room_id"][room.c_str()]["results"][0].GetString()), id);
  EXPECT_EQ(std::string(r["groups"]["sender"][b.id.c_str()]["results"][0].GetString()), id);
  EXPECT_TRUE(r["groups"]["room_id"][room.c_str()].HasMember("order"));
  EXPECT_NE(findEvent(r["state"][room.c_str()], "m.room.name"), nullptr);
}

TEST_F(Search, FilterLimitsRoomsAndSenders) {
  const User a = newUser("srch_f");
  const User b = newUser("srch_fb");
  const std::string room1 = createRoom(a, R"({"preset":"public_chat"})");
  const std::string room2 = createRoom(a);
  ASSERT_EQ(join(b, room1).status, 200);
  send(a, room1, "gyroscope from a");
  send(b, room1, "gyroscope from b");
  send(a, room2, "gyroscope elsewhere");
  EXPECT_EQ(bodies(roomEvents(a, R"({"search_term":"gyroscope","order_by":"recent","filter":{"rooms":[")" + room1 + R"("]}})")),
            (std::vector<std::string>{"gyroscope from b", "gyroscope from a"}));
  EXPECT_EQ(bodies(roomEvents(a, R"({"search_term":"gyroscope","order_by":"recent","filter":{"senders":[")" + b.id + R"("]}})")),
            (std::vector<std::string>{"gyroscope from b"}));
  EXPECT_EQ(bodies(roomEvents(a, R"({"search_term":"gyroscope","order_by":"recent","filter":{"not_rooms":[")" + room1 + R"("]}})")),
            (std::vector<std::string>{"gyroscope elsewhere"}));
}

TEST_F(Search, BadRequestsAreMatrixErrors) {
  const User a = newUser("srch_bad");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/search", "{}", a.token), 400, "M_MISSING_PARAM");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/search", "not json", a.token), 400, "M_NOT_JSON");
  EXPECT_MATRIX_ERROR(search(a, R"({})"), 400, "M_MISSING_PARAM");
  EXPECT_MATRIX_ERROR(search(a, R"({"search_term":5})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(search(a, R"({"search_term":"x","order_by":"sideways"})"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(search(a, R"({"search_term":"x","keys":["content.secret"]})"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(search(a, R"({"search_term":"x","filter":{"rooms":"!a:b"}})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(search(a, R"({"search_term":"x","event_context":{"before_limit":-1}})"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(search(a, R"({"search_term":"x","groupings":{"group_by":[{"key":"type"}]}})"), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/search", R"({"search_categories":{}})", ""), 401, "M_MISSING_TOKEN");
  // Query syntax in the term is text, never an SQL or tsquery error; no category, no results.
  EXPECT_EQ(search(a, R"({"search_term":"a & | ! ( :* ' \\ \"or\" -"})").status, 200);
  const auto empty = s().post(kV3 + "/search", R"({"search_categories":{}})", a.token);
  EXPECT_EQ(empty.status, 200);
  EXPECT_EQ(empty.body, R"({"search_categories":{}})");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
