// Push rule evaluation: the spec's matching rules and the predefined rules' verdicts.
#include "homeserver/services/push_rules/push_evaluator.h"

#include <gtest/gtest.h>

namespace hs::push_rules {
namespace {

const std::string kMe = "@me:example.org";

json::Document parse(const std::string& text) {
  auto doc = json::tryParse(text);
  EXPECT_TRUE(doc.has_value()) << text;
  return std::move(*doc);
}

EvalContext ctx(int64_t members = 3, int64_t sender_power = 0) {
  EvalContext c;
  c.user_id = kMe;
  c.room_id = "!r:example.org";
  c.member_count = members;
  c.sender_power = sender_power;
  return c;
}

EvalResult eval(const std::string& event, const EvalContext& c, const UserChanges& changes = {}) {
  return evaluate(effectiveRules(kMe, changes), parse(event), c);
}

std::string message(const std::string& body, const std::string& extra = "") {
  return R"({"type":"m.room.message","sender":"@you:example.org","room_id":"!r:example.org",)"
         R"("content":{"msgtype":"m.text","body":")" + body + "\"" + extra + "}}";
}

TEST(PushGlob, WholeValueMatchIsCaseInsensitive) {
  EXPECT_TRUE(pushGlobMatches("lunc?*", "Lunch plans", false));
  EXPECT_TRUE(pushGlobMatches("lunc?*", "LUNCH", false));
  EXPECT_FALSE(pushGlobMatches("lunc?*", " lunch", false));
  EXPECT_FALSE(pushGlobMatches("lunc?*", "lunc", false));
  EXPECT_TRUE(pushGlobMatches("*", "", false));
  EXPECT_TRUE(pushGlobMatches("m.room.*", "m.room.message", false));
  EXPECT_FALSE(pushGlobMatches("m.room", "m.room.message", false));
}

TEST(PushGlob, BodyMatchesAtWordBoundaries) {
  EXPECT_TRUE(pushGlobMatches("ex*ple", "An example event.", true));
  EXPECT_TRUE(pushGlobMatches("ex*ple", "exple", true));
  EXPECT_TRUE(pushGlobMatches("ex*ple", "An exciting triple-whammy", true));
  EXPECT_FALSE(pushGlobMatches("ex*ple", "Anexample", true));
  EXPECT_FALSE(pushGlobMatches("cake", "cupcakes", true));
  EXPECT_TRUE(pushGlobMatches("cake", "Any CAKE?", true));
}

TEST(PropertyPath, EscapedDotsAndBackslashes) {
  const auto doc = parse(R"({"content":{"m.relates_to":{"rel_type":"m.replace"},"a\\b":1,"x":{"y":2}}})");
  const json::Value* v = propertyAt(doc, "content.m\\.relates_to.rel_type");
  ASSERT_NE(v, nullptr);
  EXPECT_STREQ(v->GetString(), "m.replace");
  ASSERT_NE(propertyAt(doc, "content.a\\\\b"), nullptr);
  EXPECT_EQ(propertyAt(doc, "content.x.y")->GetInt(), 2);
  EXPECT_EQ(propertyAt(doc, "content.m.relates_to"), nullptr);
  EXPECT_EQ(propertyAt(doc, "content.x.y.z"), nullptr);
}

TEST(PushEvaluate, MessagesNotifyAndOneToOneRoomsToo) {
  const auto group = eval(message("hello"), ctx(3));
  EXPECT_EQ(group.rule_id, ".m.rule.message");
  EXPECT_TRUE(group.notify);
  EXPECT_FALSE(group.highlight);
  EXPECT_EQ(eval(message("hello"), ctx(2)).rule_id, ".m.rule.room_one_to_one");
}

TEST(PushEvaluate, MentionsHighlight) {
  const auto r = eval(message("hi", R"(,"m.mentions":{"user_ids":["@me:example.org"]})"), ctx());
  EXPECT_EQ(r.rule_id, ".m.rule.is_user_mention");
  EXPECT_TRUE(r.notify);
  EXPECT_TRUE(r.highlight);
  const auto other = eval(message("hi", R"(,"m.mentions":{"user_ids":["@else:example.org"]})"), ctx());
  EXPECT_FALSE(other.highlight);
}

TEST(PushEvaluate, RoomMentionsNeedTheSendersNotificationPower) {
  const std::string e = message("@room", R"(,"m.mentions":{"room":true})");
  EXPECT_FALSE(eval(e, ctx(3, 0)).highlight);
  const auto mod = eval(e, ctx(3, 50));
  EXPECT_EQ(mod.rule_id, ".m.rule.is_room_mention");
  EXPECT_TRUE(mod.highlight);
  EvalContext strict = ctx(3, 50);
  strict.notification_levels["room"] = 100;
  EXPECT_FALSE(eval(e, strict).highlight);
}

TEST(PushEvaluate, NoticesEditsAndMemberEventsAreSilent) {
  const auto notice = eval(R"({"type":"m.room.message","sender":"@you:example.org",)"
                           R"("content":{"msgtype":"m.notice","body":"bot"}})", ctx());
  EXPECT_EQ(notice.rule_id, ".m.rule.suppress_notices");
  EXPECT_FALSE(notice.notify);
  const auto edit = eval(message("x", R"(,"m.relates_to":{"rel_type":"m.replace","event_id":"$e"})"), ctx());
  EXPECT_EQ(edit.rule_id, ".m.rule.suppress_edits");
  EXPECT_FALSE(edit.notify);
  const auto member = eval(R"({"type":"m.room.member","state_key":"@x:example.org","sender":"@x:example.org",)"
                           R"("content":{"membership":"join"}})", ctx());
  EXPECT_FALSE(member.notify);
}

TEST(PushEvaluate, InvitesForMeNotify) {
  const auto r = eval(R"({"type":"m.room.member","state_key":"@me:example.org","sender":"@you:example.org",)"
                      R"("content":{"membership":"invite"}})", ctx());
  EXPECT_EQ(r.rule_id, ".m.rule.invite_for_me");
  EXPECT_TRUE(r.notify);
}

TEST(PushEvaluate, KeywordContentRulesHighlight) {
  UserChanges c;
  c.rules.push_back({Kind::Content, {"cake", false, true, std::nullopt, "cake",
                                     R"(["notify",{"set_tweak":"highlight"}])"}});
  const auto r = eval(message("Who wants CAKE?"), ctx(), c);
  EXPECT_EQ(r.rule_id, "cake");
  EXPECT_TRUE(r.highlight);
  EXPECT_FALSE(eval(message("cupcakes"), ctx(), c).highlight);
}

TEST(PushEvaluate, MasterRuleSilencesEverything) {
  UserChanges c;
  c.defaults.push_back({".m.rule.master", true, std::nullopt});
  const auto r = eval(message("hi", R"(,"m.mentions":{"user_ids":["@me:example.org"]})"), ctx(), c);
  EXPECT_EQ(r.rule_id, ".m.rule.master");
  EXPECT_FALSE(r.notify);
}

TEST(PushEvaluate, RoomAndSenderRulesAndHistoricalActions) {
  UserChanges c;
  c.rules.push_back({Kind::Room, {"!r:example.org", false, true, std::nullopt, std::nullopt, R"(["dont_notify"])"}});
  const auto muted = eval(message("hi"), ctx(), c);
  EXPECT_EQ(muted.rule_id, "!r:example.org");
  EXPECT_FALSE(muted.notify);
  UserChanges s;
  s.rules.push_back({Kind::Sender, {"@you:example.org", false, true, std::nullopt, std::nullopt,
                                    R"(["notify",{"set_tweak":"highlight","value":false}])"}});
  const auto sender = eval(message("hi"), ctx(), s);
  EXPECT_EQ(sender.rule_id, "@you:example.org");
  EXPECT_TRUE(sender.notify);
  EXPECT_FALSE(sender.highlight);
}

TEST(PushEvaluate, UnknownConditionsNeverMatchAndMemberCountOperators) {
  UserChanges c;
  c.rules.push_back({Kind::Override, {"weird", false, true, R"([{"kind":"org.example.unknown"}])",
                                      std::nullopt, R"(["notify",{"set_tweak":"highlight"}])"}});
  c.rules.push_back({Kind::Override, {"big", false, true, R"([{"kind":"room_member_count","is":">=10"}])",
                                      std::nullopt, R"(["notify",{"set_tweak":"sound","value":"x"}])"}});
  EXPECT_EQ(eval(message("hi"), ctx(3), c).rule_id, ".m.rule.message");
  EXPECT_EQ(eval(message("hi"), ctx(10), c).rule_id, "big");
}

TEST(PushEvaluate, EventPropertyIsComparesTypes) {
  UserChanges c;
  c.rules.push_back({Kind::Override, {"flag", false, true,
                                      R"([{"kind":"event_property_is","key":"content.flag","value":true}])",
                                      std::nullopt, R"(["notify"])"}});
  EXPECT_EQ(eval(message("x", R"(,"flag":true)"), ctx(), c).rule_id, "flag");
  EXPECT_NE(eval(message("x", R"(,"flag":"true")"), ctx(), c).rule_id, "flag");
  EXPECT_NE(eval(message("x", R"(,"flag":1)"), ctx(), c).rule_id, "flag");
}

}  // namespace
}  // namespace hs::push_rules
