#include "homeserver/services/push_rules/push_rules.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"

namespace hs::push_rules {
namespace {

const std::string kAlice = "@alice:example.org";

// "M_X 400" for a MatrixError thrown by f, "no error" otherwise.
template <class F>
std::string errorOf(F f) {
  try {
    f();
  } catch (const core::MatrixError& e) {
    return std::string(e.errcode()) + " " + std::to_string(e.httpStatus());
  }
  return "no error";
}

std::vector<std::string> ids(const Ruleset& rules, Kind kind) {
  std::vector<std::string> out;
  for (const auto& r : rules.of(kind)) {
    out.push_back(r.rule_id);
  }
  return out;
}

RuleBody body(const std::string& actions = R"(["notify"])") {
  return RuleBody{std::string("[]"), std::nullopt, actions};
}

TEST(PushRulesDefaults, FollowTheSpecOrder) {
  const Ruleset rules = defaultRules(kAlice);
  EXPECT_EQ(ids(rules, Kind::Override),
            (std::vector<std::string>{".m.rule.master", ".m.rule.suppress_notices",
                                      ".m.rule.invite_for_me", ".m.rule.member_event",
                                      ".m.rule.is_user_mention", ".m.rule.is_room_mention",
                                      ".m.rule.tombstone", ".m.rule.reaction",
                                      ".m.rule.room.server_acl", ".m.rule.suppress_edits"}));
  EXPECT_EQ(ids(rules, Kind::Underride),
            (std::vector<std::string>{".m.rule.call", ".m.rule.encrypted_room_one_to_one",
                                      ".m.rule.room_one_to_one", ".m.rule.message",
                                      ".m.rule.encrypted"}));
  EXPECT_TRUE(rules.of(Kind::Content).empty());
  EXPECT_TRUE(rules.of(Kind::Room).empty());
  EXPECT_TRUE(rules.of(Kind::Sender).empty());
}

TEST(PushRulesDefaults, OnlyMasterIsDisabled) {
  const Ruleset rules = defaultRules(kAlice);
  for (Kind k : kKinds) {
    for (const auto& r : rules.of(k)) {
      EXPECT_TRUE(r.is_default) << r.rule_id;
      EXPECT_EQ(r.enabled, r.rule_id != ".m.rule.master") << r.rule_id;
    }
  }
}

TEST(PushRulesDefaults, RenderExactlyAsTheSpecDefinesThem) {
  const Ruleset rules = defaultRules(kAlice);
  EXPECT_EQ(renderRule(Kind::Underride, *rules.find(Kind::Underride, ".m.rule.call")),
            R"({"rule_id":".m.rule.call","default":true,"enabled":true,"conditions":)"
            R"([{"key":"type","kind":"event_match","pattern":"m.call.invite"}],)"
            R"("actions":["notify",{"set_tweak":"sound","value":"ring"}]})");
  EXPECT_EQ(renderRule(Kind::Override, *rules.find(Kind::Override, ".m.rule.is_room_mention")),
            R"({"rule_id":".m.rule.is_room_mention","default":true,"enabled":true,"conditions":)"
            R"([{"kind":"event_property_is","key":"content.m\\.mentions.room","value":true},)"
            R"({"kind":"sender_notification_permission","key":"room"}],)"
            R"("actions":["notify",{"set_tweak":"highlight"}]})");
}

TEST(PushRulesDefaults, NameTheUser) {
  const Ruleset rules = defaultRules(kAlice);
  const auto invite = json::tryParse(*rules.find(Kind::Override, ".m.rule.invite_for_me")->conditions);
  EXPECT_STREQ((*invite)[2]["key"].GetString(), "state_key");
  EXPECT_EQ((*invite)[2]["pattern"].GetString(), kAlice);
  const auto mention = json::tryParse(*rules.find(Kind::Override, ".m.rule.is_user_mention")->conditions);
  EXPECT_EQ((*mention)[0]["value"].GetString(), kAlice);
}

TEST(PushRulesDefaults, EscapeAUserIdThatNeedsIt) {
  const std::string odd = R"(@a"b\c:example.org)";  // historical user ids allow these
  const Ruleset rules = defaultRules(odd);
  const auto mention = json::tryParse(*rules.find(Kind::Override, ".m.rule.is_user_mention")->conditions);
  ASSERT_TRUE(mention.has_value());
  EXPECT_EQ((*mention)[0]["value"].GetString(), odd);
}

TEST(PushRulesRender, GlobalHasEveryKindAndRequiredFields) {
  const auto doc = json::tryParse(renderGlobal(defaultRules(kAlice)));
  ASSERT_TRUE(doc && doc->IsObject());
  const auto& global = (*doc)["global"];
  for (const char* kind : {"override", "content", "room", "sender", "underride"}) {
    ASSERT_TRUE(global.HasMember(kind) && global[kind].IsArray()) << kind;
    for (const auto& r : global[kind].GetArray()) {
      EXPECT_TRUE(r["rule_id"].IsString() && r["default"].IsBool() && r["enabled"].IsBool() &&
                  r["actions"].IsArray());
    }
  }
}

TEST(PushRulesPut, NewRulesComeFirstButAfterMaster) {
  UserChanges c;
  putUserRule(c, Kind::Override, "a", body(), std::nullopt, std::nullopt);
  putUserRule(c, Kind::Override, "b", body(), std::nullopt, std::nullopt);
  const auto overrides = ids(effectiveRules(kAlice, c), Kind::Override);
  ASSERT_GE(overrides.size(), 4u);
  EXPECT_EQ(overrides[0], ".m.rule.master");
  EXPECT_EQ(overrides[1], "b");
  EXPECT_EQ(overrides[2], "a");
  EXPECT_EQ(overrides[3], ".m.rule.suppress_notices");
}

TEST(PushRulesPut, BeforeAndAfterPlaceRelativeToAUserRule) {
  UserChanges c;
  putUserRule(c, Kind::Room, "!a:x", body(), std::nullopt, std::nullopt);
  putUserRule(c, Kind::Room, "!b:x", body(), std::nullopt, std::string("!a:x"));  // after a
  putUserRule(c, Kind::Room, "!c:x", body(), std::string("!b:x"), std::nullopt);  // before b
  EXPECT_EQ(ids(effectiveRules(kAlice, c), Kind::Room),
            (std::vector<std::string>{"!a:x", "!c:x", "!b:x"}));
  // Both given: `before` wins. Moving an existing rule keeps a single copy.
  putUserRule(c, Kind::Room, "!b:x", body(), std::string("!a:x"), std::string("!c:x"));
  EXPECT_EQ(ids(effectiveRules(kAlice, c), Kind::Room),
            (std::vector<std::string>{"!b:x", "!a:x", "!c:x"}));
}

TEST(PushRulesPut, UpdateKeepsPlaceAndEnabledState) {
  UserChanges c;
  putUserRule(c, Kind::Sender, "@x:y", body(), std::nullopt, std::nullopt);
  putUserRule(c, Kind::Sender, "@z:y", body(), std::nullopt, std::nullopt);
  setEnabled(c, Kind::Sender, "@x:y", false);
  putUserRule(c, Kind::Sender, "@x:y", body(R"(["dont_notify"])"), std::nullopt, std::nullopt);
  const Ruleset rules = effectiveRules(kAlice, c);
  EXPECT_EQ(ids(rules, Kind::Sender), (std::vector<std::string>{"@z:y", "@x:y"}));
  EXPECT_FALSE(rules.find(Kind::Sender, "@x:y")->enabled);
  EXPECT_EQ(rules.find(Kind::Sender, "@x:y")->actions, R"(["dont_notify"])");
}

TEST(PushRulesPut, RefusesReservedIdsAndUnknownAnchors) {
  UserChanges c;
  EXPECT_EQ(errorOf([&] { putUserRule(c, Kind::Override, ".mine", body(), {}, {}); }),
            "M_INVALID_PARAM 400");
  EXPECT_EQ(errorOf([&] { putUserRule(c, Kind::Override, "a/b", body(), {}, {}); }),
            "M_INVALID_PARAM 400");
  EXPECT_EQ(errorOf([&] { putUserRule(c, Kind::Override, "a", body(), std::string("nope"), {}); }),
            "M_UNKNOWN 400");
  // Rules cannot be placed relative to server-default rules.
  EXPECT_EQ(errorOf([&] {
              putUserRule(c, Kind::Override, "a", body(), {}, std::string(".m.rule.master"));
            }),
            "M_UNKNOWN 400");
  EXPECT_TRUE(c.rules.empty());
}

TEST(PushRulesDelete, RemovesOnlyUserRules) {
  UserChanges c;
  putUserRule(c, Kind::Content, "cake", RuleBody{std::nullopt, std::string("cake*"), "[]"}, {}, {});
  deleteUserRule(c, Kind::Content, "cake");
  EXPECT_TRUE(c.rules.empty());
  EXPECT_EQ(errorOf([&] { deleteUserRule(c, Kind::Content, "cake"); }), "M_NOT_FOUND 404");
  EXPECT_EQ(errorOf([&] { deleteUserRule(c, Kind::Override, ".m.rule.master"); }),
            "M_INVALID_PARAM 400");
}

TEST(PushRulesSetEnabled, ChangesADefaultRuleOfItsKindOnly) {
  UserChanges c;
  setEnabled(c, Kind::Override, ".m.rule.master", true);
  setActions(c, Kind::Underride, ".m.rule.message", R"(["dont_notify"])");
  const Ruleset rules = effectiveRules(kAlice, c);
  EXPECT_TRUE(rules.find(Kind::Override, ".m.rule.master")->enabled);
  EXPECT_EQ(rules.find(Kind::Underride, ".m.rule.message")->actions, R"(["dont_notify"])");
  EXPECT_TRUE(rules.find(Kind::Underride, ".m.rule.message")->enabled);  // untouched
  EXPECT_EQ(errorOf([&] { setEnabled(c, Kind::Underride, ".m.rule.master", true); }),
            "M_NOT_FOUND 404");
  EXPECT_EQ(errorOf([&] { setActions(c, Kind::Room, "!nope:x", "[]"); }), "M_NOT_FOUND 404");
}

TEST(PushRulesParseBody, ChecksShapePerKind) {
  auto parse = [](Kind k, const char* text) {
    return parseRuleBody(k, json::parseObject(text));
  };
  EXPECT_EQ(parse(Kind::Content, R"({"actions":["notify"],"pattern":"ca*"})").pattern, "ca*");
  EXPECT_EQ(parse(Kind::Override, R"({"actions":[]})").conditions, "[]");
  EXPECT_EQ(errorOf([&] { parse(Kind::Content, R"({"actions":[]})"); }), "M_MISSING_PARAM 400");
  EXPECT_EQ(errorOf([&] { parse(Kind::Room, R"({})"); }), "M_MISSING_PARAM 400");
  EXPECT_EQ(errorOf([&] { parse(Kind::Room, R"({"actions":"notify"})"); }), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf([&] { parse(Kind::Room, R"({"actions":[1]})"); }), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf([&] { parse(Kind::Room, R"({"actions":[{"value":1}]})"); }), "M_BAD_JSON 400");
  EXPECT_EQ(errorOf([&] { parse(Kind::Override, R"({"actions":[],"conditions":{}})"); }),
            "M_BAD_JSON 400");
  EXPECT_EQ(errorOf([&] { parse(Kind::Override, R"({"actions":[],"conditions":[{"key":"a"}]})"); }),
            "M_BAD_JSON 400");
}

TEST(PushRulesParseKind, KnowsTheFiveKinds) {
  EXPECT_EQ(parseKind("underride"), Kind::Underride);
  EXPECT_EQ(kindName(parseKind("sender")), std::string("sender"));
  EXPECT_EQ(errorOf([] { parseKind("global"); }), "M_INVALID_PARAM 400");
}

}  // namespace
}  // namespace hs::push_rules
