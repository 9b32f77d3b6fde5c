// /health, /metrics, discovery endpoints, rate limits.
#include <gtest/gtest.h>

#include "tests/support/test_server.h"

namespace hs::test {
namespace {

TEST(Ops, HealthAndMetrics) {
  TestServer server;
  const auto health = server.get("/health");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, "OK");
  server.get("/_matrix/client/versions");
  // Per-endpoint counters and the process's memory are for the operator only: not on the
  // client listener, only on the metrics one.
  const auto hidden = server.get("/metrics");
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(hidden.body.find("parley_"), std::string::npos);
  const auto metrics = httpRequest("GET", server.metricsUrl("/metrics"));
  EXPECT_EQ(metrics.status, 200);
  EXPECT_NE(metrics.body.find(
                "parley_http_requests_total{method=\"GET\",endpoint=\"/_matrix/client/versions\",status=\"200\"} 1"),
            std::string::npos);
  EXPECT_NE(metrics.body.find("parley_http_request_duration_seconds_bucket"), std::string::npos);
  EXPECT_NE(metrics.body.find("parley_db_pool_in_use"), std::string::npos);
  EXPECT_NE(metrics.body.find("parley_process_resident_memory_bytes"), std::string::npos);
  EXPECT_NE(metrics.body.find("parley_http_open_connections{listener=\"client\"}"), std::string::npos);
  EXPECT_EQ(httpRequest("GET", server.metricsUrl("/_matrix/client/versions")).status, 404);
}

TEST(Ops, NoMetricsListenerUnlessConfigured) {
  TestServer server([](config::Config& c) { c.metrics_listener.reset(); });
  EXPECT_EQ(server.get("/metrics").status, 404);
  EXPECT_EQ(server.get("/health").status, 200);
}

TEST(Ops, DiscoveryEndpoints) {
  TestServer server;
  const auto versions = server.get("/_matrix/client/versions");
  EXPECT_EQ(versions.status, 200);
  EXPECT_TRUE(versions.json()["versions"].IsArray());
  const auto wk = server.get("/.well-known/matrix/client");
  EXPECT_STREQ(wk.json()["m.homeserver"]["base_url"].GetString(), "http://127.0.0.1/");
  EXPECT_EQ(server.get("/_matrix/client/v1/auth_metadata").status, 404);
  const std::string t = server.registerUser("cap");
  const auto caps = server.get("/_matrix/client/v3/capabilities", t);
  EXPECT_STREQ(caps.json()["capabilities"]["m.room_versions"]["default"].GetString(), "11");
}

TEST(Ops, LoginRateLimitPerIpAnswers429WithRetryAfter) {
  TestServer server([](config::Config& c) {
    c.rate_limits.enabled = true;
    c.rate_limits.login_per_ip = {0.01, 3};
  });
  long last = 0;
  HttpResult r;
  for (int i = 0; i < 4; ++i) {
    r = server.post("/_matrix/client/v3/login",
                    R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":"nobody"},"password":"x"})");
    last = r.status;
  }
  EXPECT_EQ(last, 429);
  EXPECT_STREQ(r.json()["errcode"].GetString(), "M_LIMIT_EXCEEDED");
  EXPECT_GT(r.json()["retry_after_ms"].GetInt64(), 0);
  EXPECT_TRUE(r.headers.count("retry-after"));
}

TEST(Ops, RegisterRateLimitPerIp) {
  TestServer server([](config::Config& c) {
    c.rate_limits.enabled = true;
    c.rate_limits.register_per_ip = {0.01, 2};
  });
  server.registerUser("rl1");
  server.registerUser("rl2");
  const auto r = server.post("/_matrix/client/v3/register",
                             R"({"username":"rl3","password":"password123","auth":{"type":"m.login.dummy"}})");
  EXPECT_EQ(r.status, 429);
}

}  // namespace
}  // namespace hs::test
