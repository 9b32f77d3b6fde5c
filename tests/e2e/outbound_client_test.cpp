// The one outbound client over real sockets: the address policy on resolved addresses, TLS
// verified against the system store plus the extra anchors only, response caps, and an event
// loop on which two hundred requests stuck in dead connections do not delay a live one.
#include "homeserver/net/outbound_client.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

#include "tests/support/parley_process.h"
#include "tests/support/scripted_https_server.h"
#include "tests/support/test_pki.h"

namespace hs::test {
namespace {

net::HttpRequest get(const std::string& url, int64_t timeout_ms = 10000) {
  net::HttpRequest r;
  r.url = url;
  r.timeout_ms = timeout_ms;
  return r;
}

net::HttpResult run(net::OutboundClient& c, net::HttpRequest r) {
  std::promise<net::HttpResult> p;
  c.start(std::move(r), [&p](net::HttpResult res) { p.set_value(std::move(res)); });
  return p.get_future().get();
}

struct Fixture {
  TestPki pki;
  IssuedCert cert = pki.issue("peer", {"localhost", "127.0.0.1"});
  ScriptedHttpsServer server{cert.cert_path, cert.key_path};
  Fixture() {
    server.on("GET", "/ok", [](const http::Request&) { return http::Response::json(200, R"({"ok":true})"); });
    server.on("GET", "/big", [](const http::Request&) { return http::Response::json(200, std::string(300000, 'x')); });
    server.start();
  }
  std::string url(const std::string& host, const std::string& path) const {
    return "https://" + host + ":" + std::to_string(server.port()) + path;
  }
};

TEST(OutboundClient, RefusesPrivateAddressesAfterResolution) {
  Fixture f;
  net::OutboundClient strict(net::OutboundOptions{core::AddressPolicy(), f.pki.caFile()});
  for (const char* host : {"127.0.0.1", "localhost"}) {  // the name resolves to loopback
    const auto r = run(strict, get(f.url(host, "/ok")));
    EXPECT_FALSE(r.response.has_value()) << host;
    EXPECT_TRUE(r.refused_by_policy) << host << ": " << r.error;
  }
  EXPECT_EQ(f.server.hits("/ok"), 0);
  net::OutboundClient allowed(net::OutboundOptions{core::AddressPolicy({"127.0.0.0/8"}), f.pki.caFile()});
  const auto r = run(allowed, get(f.url("localhost", "/ok")));
  ASSERT_TRUE(r.response.has_value()) << r.error;
  EXPECT_EQ(r.response->status, 200);
  EXPECT_EQ(r.response->body, R"({"ok":true})");
}

TEST(OutboundClient, VerifiesCertificatesAlways) {
  Fixture f;
  // Without the test CA, the peer's certificate is untrusted.
  net::OutboundClient no_anchor(net::OutboundOptions{core::AddressPolicy({"127.0.0.0/8"}), ""});
  EXPECT_FALSE(run(no_anchor, get(f.url("localhost", "/ok"))).response.has_value());
  // With it, a name the certificate does not cover is still refused.
  net::OutboundClient anchored(net::OutboundOptions{core::AddressPolicy({"127.0.0.0/8"}), f.pki.caFile()});
  auto wrong_name = get(f.url("other.test", "/ok"));
  wrong_name.connect_to = "other.test:" + std::to_string(f.server.port()) + ":127.0.0.1:" + std::to_string(f.server.port());
  EXPECT_FALSE(run(anchored, wrong_name).response.has_value());
  // A certificate from a CA nobody configured.
  const auto rogue = f.pki.issueUntrusted("rogue", {"localhost"});
  ScriptedHttpsServer impostor(rogue.cert_path, rogue.key_path);
  impostor.on("GET", "/ok", [](const http::Request&) { return http::Response::json(200, "{}"); });
  impostor.start();
  EXPECT_FALSE(run(anchored, get("https://localhost:" + std::to_string(impostor.port()) + "/ok")).response.has_value());
  EXPECT_THROW(net::OutboundClient(net::OutboundOptions{core::AddressPolicy(), "/nonexistent.pem"}), net::NetError);
}

TEST(OutboundClient, CapsResponses) {
  Fixture f;
  net::OutboundClient c(net::OutboundOptions{core::AddressPolicy({"127.0.0.0/8"}), f.pki.caFile()});
  auto r = get(f.url("localhost", "/big"));
  r.max_response_bytes = 100000;
  const auto res = run(c, r);
  EXPECT_FALSE(res.response.has_value());
  EXPECT_NE(res.error.find("larger than"), std::string::npos) << res.error;
}

TEST(OutboundClient, DeadConnectionsNeverDelayALiveRequest) {
  Fixture f;
  BlackHole dead;
  net::OutboundClient c(net::OutboundOptions{core::AddressPolicy({"127.0.0.0/8"}), f.pki.caFile()});
  std::atomic<int> stuck_done{0};
  for (int i = 0; i < 200; ++i) {
    c.start(get("https://localhost:" + std::to_string(dead.port()) + "/x", 4000),
            [&stuck_done](net::HttpResult r) {
              EXPECT_FALSE(r.response.has_value());
              ++stuck_done;
            });
  }
  const auto start = std::chrono::steady_clock::now();
  const auto live = run(c, get(f.url("localhost", "/ok")));
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(live.response.has_value()) << live.error;
  EXPECT_LT(ms, 2000) << "a live request waited behind dead ones";
  EXPECT_EQ(stuck_done.load(), 0);  // they are still waiting for their timeout, holding no thread
  EXPECT_EQ(c.inFlight(), 200u);
  c.stop();  // the stuck ones end now, with an error
  EXPECT_EQ(stuck_done.load(), 200);
}

}  // namespace
}  // namespace hs::test
