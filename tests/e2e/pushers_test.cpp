// HTTP pushers over real HTTP: /pushers and /pushers/set, and pushes reaching a local push
// gateway sink, retried with backoff, dropped for rejected pushkeys.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/matrix_client.h"
#include "tests/support/sinks.h"

namespace hs::test {
namespace {

std::string pusherBody(const std::string& url, const std::string& pushkey, const std::string& extra = "",
                       const std::string& data_extra = "") {
  return R"({"kind":"http","app_id":"org.example.app","pushkey":")" + pushkey +
         R"(","app_display_name":"Example","device_display_name":"Phone","lang":"en",)"
         R"("data":{"url":")" + url + "\"" + data_extra + "}" + extra + "}";
}

std::vector<std::string> pushkeys(TestServer& s, const std::string& token) {
  const auto r = s.get(kV3 + "/pushers", token);
  EXPECT_EQ(r.status, 200) << r.body;
  std::vector<std::string> out;
  const auto doc = r.json();  // the array lives in the document: keep it alive
  for (const auto& p : doc["pushers"].GetArray()) {
    out.emplace_back(p["pushkey"].GetString());
  }
  return out;
}

json::Document parse(const std::string& text) {
  auto doc = json::tryParse(text);
  EXPECT_TRUE(doc.has_value()) << text;
  return doc ? std::move(*doc) : json::Document();
}

std::function<void(config::Config&)> fastRetries() {
  return [](config::Config& c) {
    c.push.initial_backoff_ms = 100;
    c.push.max_backoff_ms = 400;
    c.push.timeout_ms = 2000;
  };
}

TEST(Pushers, SetListReplaceAndDelete) {
  TestServer s;
  const auto ann = s.registerUser("ann");
  const std::string url = "https://push.example.org/_matrix/push/v1/notify";
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(url, "k1", R"(,"profile_tag":"tag")"), ann).status, 200);
  const auto listed = s.get(kV3 + "/pushers", ann).json();
  ASSERT_EQ(listed["pushers"].Size(), 1u);
  const auto& p = listed["pushers"][0];
  EXPECT_STREQ(p["kind"].GetString(), "http");
  EXPECT_STREQ(p["app_id"].GetString(), "org.example.app");
  EXPECT_STREQ(p["app_display_name"].GetString(), "Example");
  EXPECT_STREQ(p["device_display_name"].GetString(), "Phone");
  EXPECT_STREQ(p["lang"].GetString(), "en");
  EXPECT_STREQ(p["profile_tag"].GetString(), "tag");
  EXPECT_EQ(p["data"]["url"].GetString(), url);
  std::string french = pusherBody(url, "k1");
  french.replace(french.find(R"("lang":"en")"), 11, R"("lang":"fr")");
  ASSERT_EQ(s.post(kV3 + "/pushers/set", french, ann).status, 200);
  EXPECT_STREQ(s.get(kV3 + "/pushers", ann).json()["pushers"][0]["lang"].GetString(), "fr");
  EXPECT_EQ(pushkeys(s, ann).size(), 1u);  // same app and key: replaced, not added
  ASSERT_EQ(s.post(kV3 + "/pushers/set", R"({"kind":null,"app_id":"org.example.app","pushkey":"k1"})", ann).status, 200);
  EXPECT_TRUE(pushkeys(s, ann).empty());
}

TEST(Pushers, Refusals) {
  TestServer s;
  const auto bo = s.registerUser("bo");
  const std::string url = "https://push.example.org/_matrix/push/v1/notify";
  const auto missing = s.post(kV3 + "/pushers/set", R"({"kind":"http","app_id":"a","pushkey":"k"})", bo);
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(errcode(missing), "M_MISSING_PARAM");
  EXPECT_EQ(errcode(s.post(kV3 + "/pushers/set", pusherBody("https://push.example.org/elsewhere", "k"), bo)),
            "M_INVALID_PARAM");
  EXPECT_EQ(errcode(s.post(kV3 + "/pushers/set", pusherBody("ftp://x/_matrix/push/v1/notify", "k"), bo)),
            "M_INVALID_PARAM");
  auto email = pusherBody(url, "k");
  email.replace(email.find(R"("kind":"http")"), 13, R"("kind":"email")");
  EXPECT_EQ(errcode(s.post(kV3 + "/pushers/set", email, bo)), "M_INVALID_PARAM");
  EXPECT_EQ(errcode(s.post(kV3 + "/pushers/set", pusherBody(url, std::string(513, 'k')), bo)), "M_INVALID_PARAM");
  EXPECT_EQ(s.get(kV3 + "/pushers").status, 401);
  EXPECT_TRUE(pushkeys(s, bo).empty());
}

TEST(Pushers, WithoutAppendAPushkeyMovesToTheNewUser) {
  TestServer s;
  const auto cy = s.registerUser("cy");
  const auto di = s.registerUser("di");
  const std::string url = "https://push.example.org/_matrix/push/v1/notify";
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(url, "shared"), cy).status, 200);
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(url, "shared", R"(,"append":true)"), di).status, 200);
  EXPECT_EQ(pushkeys(s, cy).size(), 1u);
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(url, "shared"), di).status, 200);
  EXPECT_TRUE(pushkeys(s, cy).empty());
  EXPECT_EQ(pushkeys(s, di).size(), 1u);
}

TEST(Pushers, PasswordChangeKeepsOnlyTheRequestingDevicesPushers) {
  TestServer s;
  const auto main = s.registerUser("pwpush", "password123", "MAIN");
  const auto other = s.post(kV3 + "/login", R"({"type":"m.login.password","identifier":{"type":"m.id.user",)"
                                            R"("user":"pwpush"},"password":"password123","device_id":"OTHER"})");
  ASSERT_EQ(other.status, 200) << other.body;
  const std::string other_token = other.json()["access_token"].GetString();
  const std::string url = "https://push.example.org/_matrix/push/v1/notify";
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(url, "from-main"), main).status, 200);
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(url, "from-other"), other_token).status, 200);
  EXPECT_EQ(pushkeys(s, main).size(), 2u);
  // Devices stay logged in (logout_devices false), yet the other device's pusher goes.
  const auto changed = s.post(kV3 + "/account/password",
      R"({"new_password":"newpassword1","logout_devices":false,"auth":{"type":"m.login.password",)"
      R"("identifier":{"type":"m.id.user","user":"pwpush"},"password":"password123"}})", main);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(s.get(kV3 + "/account/whoami", other_token).status, 200);
  EXPECT_EQ(pushkeys(s, main), std::vector<std::string>{"from-main"});
}

TEST(Pushers, NotificationsReachTheGateway) {
  PushSink sink;
  TestServer s;
  const auto ed = s.registerUser("ed");
  const auto flo = s.registerUser("flo");
  const std::string room = groupWith(s, ed, {{"@flo:localhost", flo}}, "Ops");
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(sink.url(), "flo-phone", "", R"(,"format":"full","x":1)"), flo).status, 200);
  sendText(s, flo, room, "my own message is not pushed");
  const std::string msg = sendText(s, ed, room, "deploy done", R"("m.mentions":{"user_ids":["@flo:localhost"]})");
  const auto got = sink.requests(1);
  ASSERT_EQ(got.size(), 1u);
  const auto doc = parse(got[0]);
  const auto& n = doc["notification"];
  EXPECT_EQ(n["event_id"].GetString(), msg);
  EXPECT_EQ(n["room_id"].GetString(), room);
  EXPECT_STREQ(n["type"].GetString(), "m.room.message");
  EXPECT_STREQ(n["sender"].GetString(), "@ed:localhost");
  EXPECT_STREQ(n["sender_display_name"].GetString(), "ed");
  EXPECT_STREQ(n["room_name"].GetString(), "Ops");
  EXPECT_STREQ(n["content"]["body"].GetString(), "deploy done");
  EXPECT_EQ(n["counts"]["unread"].GetInt64(), 1);
  EXPECT_STREQ(n["prio"].GetString(), "high");
  const auto& device = n["devices"][0];
  EXPECT_STREQ(device["app_id"].GetString(), "org.example.app");
  EXPECT_STREQ(device["pushkey"].GetString(), "flo-phone");
  EXPECT_GT(device["pushkey_ts"].GetInt64(), 0);
  EXPECT_FALSE(device["data"].HasMember("url"));
  EXPECT_EQ(device["data"]["x"].GetInt(), 1);
  EXPECT_TRUE(device["tweaks"]["highlight"].GetBool());
  EXPECT_STREQ(device["tweaks"]["sound"].GetString(), "default");
}

TEST(Pushers, EventIdOnlyFormat) {
  PushSink sink;
  TestServer s;
  const auto gil = s.registerUser("gil");
  const auto hal = s.registerUser("hal");
  const std::string room = groupWith(s, gil, {{"@hal:localhost", hal}});
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(sink.url(), "k", "", R"(,"format":"event_id_only")"), hal).status, 200);
  const std::string msg = sendText(s, gil, room, "secret words");
  const auto doc = parse(sink.requests(1).at(0));
  EXPECT_EQ(doc["notification"]["event_id"].GetString(), msg);
  EXPECT_FALSE(doc["notification"].HasMember("content"));
  EXPECT_FALSE(doc["notification"].HasMember("sender"));
  EXPECT_EQ(std::string(sink.requests(1).at(0)).find("secret words"), std::string::npos);
}

TEST(Pushers, FailedPushesAreRetriedWithBackoff) {
  PushSink sink(2);  // the gateway fails twice, then accepts
  TestServer s(fastRetries());
  const auto ivy = s.registerUser("ivy");
  const auto jo = s.registerUser("jo");
  const std::string room = groupWith(s, ivy, {{"@jo:localhost", jo}});
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(sink.url(), "k"), jo).status, 200);
  const std::string msg = sendText(s, ivy, room, "retry me");
  const auto got = sink.requests(1, std::chrono::seconds(5));
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(parse(got[0])["notification"]["event_id"].GetString(), msg);
}

TEST(Pushers, RejectedPushkeysLoseTheirPusher) {
  PushSink sink(0, "stale-key");
  TestServer s;
  const auto kai = s.registerUser("kai");
  const auto lu = s.registerUser("lu");
  const std::string room = groupWith(s, kai, {{"@lu:localhost", lu}});
  ASSERT_EQ(s.post(kV3 + "/pushers/set", pusherBody(sink.url(), "stale-key"), lu).status, 200);
  sendText(s, kai, room, "hello");
  ASSERT_EQ(sink.requests(1).size(), 1u);
  for (int i = 0; i < 100 && !pushkeys(s, lu).empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_TRUE(pushkeys(s, lu).empty());
}

}  // namespace
}  // namespace hs::test

namespace hs::test {
namespace {

// Push gateways go through the outbound client and its address policy: a gateway on a private,
// loopback or link-local address is refused at /pushers/set unless the range is whitelisted.
TEST(Pushers, GatewaysOnPrivateAddressesAreRefusedUnlessWhitelisted) {
  TestServer strict([](config::Config& c) { c.federation.ip_range_whitelist.clear(); });
  const auto ann = strict.registerUser("ann");
  for (const std::string url : {"http://127.0.0.1:8080/_matrix/push/v1/notify", "http://localhost:8080/_matrix/push/v1/notify",
                                "https://10.0.0.7/_matrix/push/v1/notify", "http://[::1]:8080/_matrix/push/v1/notify",
                                "http://169.254.169.254/_matrix/push/v1/notify"}) {
    const auto r = strict.post(kV3 + "/pushers/set", pusherBody(url, "k1"), ann);
    EXPECT_EQ(r.status, 400) << url << ": " << r.body;
    EXPECT_EQ(r.json()["errcode"].GetString(), std::string("M_INVALID_PARAM")) << url;
  }
  EXPECT_TRUE(pushkeys(strict, ann).empty());
  // Whitelisted (the default test config allows 127.0.0.0/8): accepted, and pushes arrive.
  PushSink sink;
  TestServer open(fastRetries());
  const auto bob = open.registerUser("bob");
  EXPECT_EQ(open.post(kV3 + "/pushers/set", pusherBody(sink.url(), "k1"), bob).status, 200);
}

}  // namespace
}  // namespace hs::test
