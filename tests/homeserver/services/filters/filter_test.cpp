#include "homeserver/services/filters/filter.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"

namespace hs::filters {
namespace {

std::string errorOf(const std::string& text) {
  try {
    parseFilterText(text);
  } catch (const core::MatrixError& e) {
    return std::string(e.errcode()) + " " + std::to_string(e.httpStatus());
  }
  return "no error";
}

TEST(FilterParse, ReadsTheFieldsSyncUses) {
  const Filter f = parseFilterText(R"({
    "event_fields": ["type", "content.body"], "event_format": "federation",
    "presence": {"not_types": ["*"]},
    "account_data": {"types": ["m.direct"], "limit": 3},
    "room": {"rooms": ["!a:x"], "not_rooms": ["!b:x"], "include_leave": true,
             "timeline": {"limit": 20, "types": ["m.room.*"], "not_senders": ["@spam:x"]},
             "state": {"lazy_load_members": true, "include_redundant_members": true},
             "ephemeral": {"not_types": ["m.typing"]},
             "account_data": {"not_rooms": ["!c:x"]}}})");
  EXPECT_EQ(f.event_fields, (std::vector<std::string>{"type", "content.body"}));
  EXPECT_EQ(f.event_format, "federation");
  EXPECT_EQ(f.room.timeline.limitOr(kDefaultTimelineLimit), 20);
  EXPECT_TRUE(f.room.state.lazy_load_members);
  EXPECT_TRUE(f.room.state.include_redundant_members);
  EXPECT_TRUE(f.room.include_leave);
  EXPECT_EQ(f.account_data.limit, 3);
  EXPECT_FALSE(f.presence.allowsType("m.presence"));
  EXPECT_TRUE(f.room.allowsRoom("!a:x"));
  EXPECT_FALSE(f.room.allowsRoom("!b:x"));
  EXPECT_FALSE(f.room.allowsRoom("!other:x"));
  EXPECT_FALSE(f.room.ephemeral.allowsType("m.typing"));
  EXPECT_FALSE(f.room.account_data.allowsRoom("!c:x"));
}

TEST(FilterParse, EmptyFilterAllowsEverything) {
  const Filter f = parseFilterText("{}");
  EXPECT_EQ(f.event_format, "client");
  EXPECT_FALSE(f.room.timeline.limit.has_value());
  EXPECT_EQ(f.room.timeline.limitOr(kDefaultTimelineLimit), 10);
  EXPECT_FALSE(f.room.include_leave);
  EXPECT_FALSE(f.room.state.lazy_load_members);
  EXPECT_TRUE(f.room.allowsRoom("!any:x"));
  EXPECT_TRUE(f.room.timeline.allowsEvent("!any:x", "m.room.message", "@a:x"));
}

TEST(FilterParse, IgnoresUnknownKeysAndNulls) {
  const Filter f = parseFilterText(
      R"({"org.matrix.msc3773.x": 1, "room": {"timeline": {"limit": null, "unread_thread_notifications": true,
          "org.matrix.msc3874.not_rel_types": ["m.thread"]}}})");
  EXPECT_FALSE(f.room.timeline.limit.has_value());
  EXPECT_TRUE(f.room.timeline.unread_thread_notifications);
}

TEST(FilterParse, RefusesWrongShapesWithBadJson) {
  EXPECT_EQ(errorOf("[]"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf("\"x\""), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"room": []})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"room": {"timeline": {"limit": "10"}}})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"room": {"timeline": {"limit": -1}}})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"room": {"timeline": {"limit": 1.5}}})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"room": {"timeline": {"types": "m.room.message"}}})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"room": {"state": {"lazy_load_members": "yes"}}})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"room": {"rooms": [1]}})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"room": {"include_leave": 1}})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"presence": {"senders": [{}]}})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"event_format": "xml"})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf(R"({"event_fields": "type"})"), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf("{not json"), "M_NOT_JSON 400");
}

TEST(FilterParse, ErrorNamesTheField) {
  try {
    parseFilterText(R"({"room": {"timeline": {"not_types": [true]}}})");
    FAIL() << "no error";
  } catch (const core::MatrixError& e) {
    EXPECT_NE(std::string(e.what()).find("room.timeline.not_types"), std::string::npos) << e.what();
  }
}

TEST(FilterMatch, NotListsWinAndTypesTakeWildcards) {
  const Filter f = parseFilterText(R"({"room": {"timeline": {
      "types": ["m.room.*", "m.reaction"], "not_types": ["m.room.member"],
      "senders": ["@a:x", "@b:x"], "not_senders": ["@b:x"], "contains_url": true}}})");
  const RoomEventFilter& t = f.room.timeline;
  EXPECT_TRUE(t.allowsType("m.room.message"));
  EXPECT_TRUE(t.allowsType("m.reaction"));
  EXPECT_FALSE(t.allowsType("m.room.member"));
  EXPECT_FALSE(t.allowsType("m.call.invite"));
  EXPECT_TRUE(t.allowsSender("@a:x"));
  EXPECT_FALSE(t.allowsSender("@b:x"));
  EXPECT_FALSE(t.allowsSender("@a:x.evil"));  // senders match exactly
  EXPECT_TRUE(t.allowsEvent("!r:x", "m.room.message", "@a:x", true));
  EXPECT_FALSE(t.allowsEvent("!r:x", "m.room.message", "@a:x", false));
}

TEST(FilterMatch, GlobStarMatchesAnyRun) {
  EXPECT_TRUE(globMatches("*", ""));
  EXPECT_TRUE(globMatches("m.*", "m.room.message"));
  EXPECT_TRUE(globMatches("*.message", "m.room.message"));
  EXPECT_TRUE(globMatches("m.*.mes*", "m.room.message"));
  EXPECT_TRUE(globMatches("a*b*c", "aXbYbZc"));
  EXPECT_FALSE(globMatches("a*b*c", "aXbYbZ"));
  EXPECT_FALSE(globMatches("m.room", "m.room.message"));
  EXPECT_FALSE(globMatches("m.room.message.", "m.room.message"));
  EXPECT_TRUE(globMatches("m.room.message", "m.room.message"));
}

}  // namespace
}  // namespace hs::filters
