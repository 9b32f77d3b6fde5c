// GET /voip/turnServer over real HTTP: {} without TURN configured, TURN REST API credentials
// with it.
#include <gtest/gtest.h>

#include "client_api/handlers/voip.h"
#include "tests/support/matrix_client.h"

namespace hs::test {
namespace {

TEST(Voip, NoTurnServerConfiguredIsAnEmptyObject) {
  TestServer s;
  const std::string token = s.registerUser("voipnone");
  const auto r = s.get(kV3 + "/voip/turnServer", token);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(r.body, "{}");
  EXPECT_EQ(s.get("/_matrix/client/r0/voip/turnServer", token).status, 200);  // nheko's path
  EXPECT_EQ(s.get(kV3 + "/voip/turnServer").status, 401);
}

TEST(Voip, ConfiguredTurnServerGetsTimeLimitedCredentials) {
  TestServer s([](config::Config& c) {
    c.voip.turn_uris = {"turn:turn.example.org:3478?transport=udp", "turns:turn.example.org:5349"};
    c.voip.turn_shared_secret = "s3cret";
    c.voip.turn_user_lifetime_ms = 3600 * 1000;
  });
  const std::string token = s.registerUser("voipuser");
  const auto r = s.get(kV3 + "/voip/turnServer", token);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(doc["ttl"].GetInt64(), 3600);
  ASSERT_EQ(doc["uris"].Size(), 2u);
  EXPECT_STREQ(doc["uris"][1].GetString(), "turns:turn.example.org:5349");
  const std::string username = doc["username"].GetString();
  const auto colon = username.find(':');
  ASSERT_NE(colon, std::string::npos);
  EXPECT_EQ(username.substr(colon + 1), "@voipuser:localhost");
  const int64_t expiry = std::stoll(username.substr(0, colon));
  const int64_t now_s = std::chrono::duration_cast<std::chrono::seconds>(
                            std::chrono::system_clock::now().time_since_epoch()).count();
  EXPECT_NEAR(static_cast<double>(expiry), static_cast<double>(now_s + 3600), 30.0);
  // What coturn checks (tests/client_api/voip_test.cpp pins the computation to Python's).
  EXPECT_EQ(std::string(doc["password"].GetString()), client::turnPassword("s3cret", username));
}

}  // namespace
}  // namespace hs::test
