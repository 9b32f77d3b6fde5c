// The push gateway request body and answer.
#include "homeserver/services/pushers/push_payload.h"

#include <gtest/gtest.h>

#include "homeserver/core/json.h"

namespace hs::pushers {
namespace {

Pusher pusher(const std::string& data) {
  return Pusher{"@u:x", "app", "key", "http", "App", "Phone", std::nullopt, "en", data, 5000, std::nullopt};
}

PushContent content() {
  PushContent c;
  c.event_id = "$e";
  c.room_id = "!r:x";
  c.type = "m.room.message";
  c.sender = "@s:x";
  c.sender_display_name = "Sam";
  c.content = R"({"body":"hi"})";
  c.unread = 2;
  c.actions = R"(["notify",{"set_tweak":"sound","value":"default"},{"set_tweak":"highlight"}])";
  return c;
}

TEST(GatewayBody, FullFormatWithTweaksAndDataMinusUrl) {
  const auto doc = json::tryParse(gatewayBody(content(), pusher(R"({"url":"https://g/_matrix/push/v1/notify","k":1})")));
  ASSERT_TRUE(doc);
  const auto& n = (*doc)["notification"];
  EXPECT_STREQ(n["sender_display_name"].GetString(), "Sam");
  EXPECT_STREQ(n["content"]["body"].GetString(), "hi");
  EXPECT_EQ(n["counts"]["unread"].GetInt(), 2);
  EXPECT_STREQ(n["prio"].GetString(), "high");
  const auto& d = n["devices"][0];
  EXPECT_EQ(d["pushkey_ts"].GetInt(), 5);  // seconds
  EXPECT_FALSE(d["data"].HasMember("url"));
  EXPECT_EQ(d["data"]["k"].GetInt(), 1);
  EXPECT_STREQ(d["tweaks"]["sound"].GetString(), "default");
  EXPECT_TRUE(d["tweaks"]["highlight"].GetBool());
}

TEST(GatewayBody, EventIdOnlyAndQuietAndZeroCounts) {
  PushContent c = content();
  c.actions = R"(["notify"])";
  c.unread = 0;
  const auto doc = json::tryParse(gatewayBody(c, pusher(R"({"url":"u","format":"event_id_only"})")));
  ASSERT_TRUE(doc);
  const auto& n = (*doc)["notification"];
  EXPECT_STREQ(n["event_id"].GetString(), "$e");
  EXPECT_FALSE(n.HasMember("content"));
  EXPECT_FALSE(n.HasMember("sender"));
  EXPECT_EQ(n["counts"].MemberCount(), 0u);
  EXPECT_STREQ(n["prio"].GetString(), "low");
}

TEST(RejectedPushkeys, ReadsTheAnswer) {
  EXPECT_EQ(rejectedPushkeys(R"({"rejected":["a","b"]})"), (std::vector<std::string>{"a", "b"}));
  EXPECT_TRUE(rejectedPushkeys("not json").empty());
  EXPECT_TRUE(rejectedPushkeys(R"({"rejected":[]})").empty());
}

}  // namespace
}  // namespace hs::pushers
