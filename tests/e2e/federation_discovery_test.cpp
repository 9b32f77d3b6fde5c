// Server discovery, rule by rule (ALGORITHMS §10): a table of server names, the DNS records and
// /.well-known answers around them, and where and how each must be contacted. DNS is the one
// thing replaced (a table resolver: the test machine has no DNS); the well-known fetches are
// real HTTPS requests over the real outbound client to a real TLS server, with certificates
// from a test CA.
#include <gtest/gtest.h>

#include <algorithm>
#include <mutex>

#include "federation/client/server_discovery.h"
#include "homeserver/core/clock.h"
#include "tests/support/scripted_https_server.h"
#include "tests/support/test_pki.h"

namespace hs::test {
namespace {

class TableDns final : public fed::DnsResolver {
 public:
  std::map<std::string, std::vector<fed::SrvRecord>> srv_records;
  std::map<std::string, std::vector<std::string>> a_records;

  std::vector<fed::SrvRecord> srv(const std::string& name) override {
    std::lock_guard lock(mu_);
    queries_.push_back("SRV " + name);
    auto it = srv_records.find(name);
    return it == srv_records.end() ? std::vector<fed::SrvRecord>{} : it->second;
  }
  std::vector<core::IpAddress> addresses(const std::string& host) override {
    std::lock_guard lock(mu_);
    queries_.push_back("A " + host);
    std::vector<core::IpAddress> out;
    if (auto literal = core::IpAddress::parse(host)) {
      return {*literal};
    }
    for (const auto& a : a_records[host]) {
      out.push_back(*core::IpAddress::parse(a));
    }
    return out;
  }
  std::vector<std::string> queries() {
    std::lock_guard lock(mu_);
    return queries_;
  }

 private:
  std::mutex mu_;
  std::vector<std::string> queries_;
};

// The well-known answers of the test's hosts, by Host header.
struct WellKnowns {
  std::mutex mu;
  std::map<std::string, http::Response> by_host;
  http::Response answer(const http::Request& req) {
    std::lock_guard lock(mu);
    const std::string* host = req.header("host");
    std::string name = host ? host->substr(0, host->rfind(':')) : "";
    auto it = by_host.find(name);
    return it == by_host.end() ? http::Response::json(404, R"({"errcode":"M_NOT_FOUND","error":"no"})")
                               : it->second;
  }
};

const std::vector<std::string> kWellKnownHosts = {"wk-ip.test",   "wk-port.test",  "wk-srv.test",
                                                  "wk-old.test",  "wk-none.test",  "wk-bad.test",
                                                  "wk-big.test",  "wk-loop.test",  "wk-redirect.test",
                                                  "wk-private.test", "plain.test", "srv-only.test",
                                                  "old-srv.test", "wk-cached.test", "wk-err.test"};

class Discovery : public ::testing::Test {
 protected:
  void SetUp() override {
    const auto cert = pki_.issue("wellknown", kWellKnownHosts);
    server_ = std::make_unique<ScriptedHttpsServer>(cert.cert_path, cert.key_path);
    server_->on("GET", "/.well-known/matrix/server", [this](const http::Request& r) { return wk_.answer(r); });
    server_->on("GET", "/elsewhere", [this](const http::Request& r) { return wk_.answer(r); });
    server_->start();
    client_ = std::make_unique<net::OutboundClient>(
        net::OutboundOptions{core::AddressPolicy({"127.0.0.1/32"}), pki_.caFile()});
    well_known_ = std::make_unique<fed::WellKnownResolver>(dns_, *client_, clock_, server_->port());
    discovery_ = std::make_unique<fed::ServerDiscovery>(dns_, *well_known_, client_->policy(), clock_);
    for (const auto& h : kWellKnownHosts) {
      dns_.a_records[h] = {"127.0.0.1"};
    }
  }
  void wellKnown(const std::string& host, const std::string& body, int status = 200) {
    std::lock_guard lock(wk_.mu);
    wk_.by_host[host] = http::Response::json(status, body);
  }

  TestPki pki_;
  TableDns dns_;
  WellKnowns wk_;
  core::ManualClock clock_{core::SystemClock().nowMs()};
  std::unique_ptr<ScriptedHttpsServer> server_;
  std::unique_ptr<net::OutboundClient> client_;
  std::unique_ptr<fed::WellKnownResolver> well_known_;
  std::unique_ptr<fed::ServerDiscovery> discovery_;
};

struct Expect {
  std::string tls_name;
  int port;
  std::string host_header;
  std::string address;
};

void expectResolved(const fed::ResolvedServer& r, const Expect& e) {
  EXPECT_EQ(r.tls_name, e.tls_name);
  EXPECT_EQ(r.port, e.port);
  EXPECT_EQ(r.host_header, e.host_header);
  EXPECT_EQ(r.address.str(), e.address);
}

TEST_F(Discovery, Step1IpLiteralsAreUsedAsTheyAre) {
  expectResolved(discovery_->resolve("127.0.0.1"), {"127.0.0.1", 8448, "127.0.0.1", "127.0.0.1"});
  expectResolved(discovery_->resolve("127.0.0.1:1234"), {"127.0.0.1", 1234, "127.0.0.1:1234", "127.0.0.1"});
  EXPECT_TRUE(dns_.queries().empty());  // neither DNS nor well-known
  EXPECT_EQ(server_->hits("/.well-known/matrix/server"), 0);
}

TEST_F(Discovery, Step1Ipv6LiteralKeepsItsBrackets) {
  const core::AddressPolicy allow_v6({"::1/128"});
  fed::ServerDiscovery open(dns_, *well_known_, allow_v6, clock_);
  const auto r = open.resolve("[::1]:8449");
  expectResolved(r, {"[::1]", 8449, "[::1]:8449", "::1"});
  EXPECT_EQ(r.url("/x"), "https://[::1]:8449/x");
  EXPECT_EQ(r.connectTo(), "[::1]:8449:[::1]:8449");
}

TEST_F(Discovery, Step2HostnameWithPortResolvesWithoutWellKnown) {
  dns_.a_records["hs.test"] = {"127.0.0.1"};
  expectResolved(discovery_->resolve("hs.test:1234"), {"hs.test", 1234, "hs.test:1234", "127.0.0.1"});
  EXPECT_EQ(dns_.queries(), std::vector<std::string>{"A hs.test"});
  EXPECT_EQ(server_->hits("/.well-known/matrix/server"), 0);
}

TEST_F(Discovery, Step3_1DelegatedIpLiteral) {
  wellKnown("wk-ip.test", R"({"m.server":"127.0.0.1:9999"})");
  expectResolved(discovery_->resolve("wk-ip.test"), {"127.0.0.1", 9999, "127.0.0.1:9999", "127.0.0.1"});
}

TEST_F(Discovery, Step3_2DelegatedHostnameWithPort) {
  wellKnown("wk-port.test", R"({"m.server":"delegated.test:7777"})");
  dns_.a_records["delegated.test"] = {"127.0.0.1"};
  expectResolved(discovery_->resolve("wk-port.test"), {"delegated.test", 7777, "delegated.test:7777", "127.0.0.1"});
  for (const auto& q : dns_.queries()) {
    EXPECT_EQ(q.rfind("SRV", 0), std::string::npos) << "no SRV lookups with an explicit port: " << q;
  }
}

TEST_F(Discovery, Step3_3DelegatedHostnameUsesMatrixFedSrv) {
  wellKnown("wk-srv.test", R"({"m.server":"delegated.test"})");
  dns_.srv_records["_matrix-fed._tcp.delegated.test"] = {{10, 5, 5555, "target.test"}, {20, 5, 6666, "other.test"}};
  dns_.srv_records["_matrix._tcp.delegated.test"] = {{1, 5, 7777, "legacy.test"}};
  dns_.a_records["target.test"] = {"127.0.0.1"};
  // Host header and certificate name are the delegated name, not the SRV target.
  expectResolved(discovery_->resolve("wk-srv.test"), {"delegated.test", 5555, "delegated.test", "127.0.0.1"});
}

TEST_F(Discovery, Step3_4DeprecatedMatrixSrvWhenNoMatrixFed) {
  wellKnown("wk-old.test", R"({"m.server":"delegated.test"})");
  dns_.srv_records["_matrix._tcp.delegated.test"] = {{1, 5, 7777, "legacy.test"}};
  dns_.a_records["legacy.test"] = {"127.0.0.1"};
  expectResolved(discovery_->resolve("wk-old.test"), {"delegated.test", 7777, "delegated.test", "127.0.0.1"});
  const auto q = dns_.queries();
  EXPECT_LT(std::find(q.begin(), q.end(), "SRV _matrix-fed._tcp.delegated.test"),
            std::find(q.begin(), q.end(), "SRV _matrix._tcp.delegated.test"));
}

TEST_F(Discovery, Step3_5DelegatedHostnameWithoutSrvUses8448) {
  wellKnown("wk-none.test", R"({"m.server":"delegated.test"})");
  dns_.a_records["delegated.test"] = {"127.0.0.1"};
  expectResolved(discovery_->resolve("wk-none.test"), {"delegated.test", 8448, "delegated.test", "127.0.0.1"});
}

TEST_F(Discovery, Step4NoWellKnownUsesSrvOfTheHostname) {
  dns_.srv_records["_matrix-fed._tcp.srv-only.test"] = {{0, 0, 4444, "target.test"}};
  dns_.a_records["target.test"] = {"127.0.0.1"};
  expectResolved(discovery_->resolve("srv-only.test"), {"srv-only.test", 4444, "srv-only.test", "127.0.0.1"});
  EXPECT_EQ(server_->hits("/.well-known/matrix/server"), 1);  // asked, answered 404
}

TEST_F(Discovery, Step5DeprecatedSrvOfTheHostname) {
  dns_.srv_records["_matrix._tcp.old-srv.test"] = {{0, 0, 3333, "target.test"}};
  dns_.a_records["target.test"] = {"127.0.0.1"};
  expectResolved(discovery_->resolve("old-srv.test"), {"old-srv.test", 3333, "old-srv.test", "127.0.0.1"});
}

TEST_F(Discovery, Step6NothingAtAllIsPort8448) {
  expectResolved(discovery_->resolve("plain.test"), {"plain.test", 8448, "plain.test", "127.0.0.1"});
}

TEST_F(Discovery, InvalidWellKnownFallsThrough) {
  wellKnown("wk-bad.test", R"(not json)");
  expectResolved(discovery_->resolve("wk-bad.test"), {"wk-bad.test", 8448, "wk-bad.test", "127.0.0.1"});
  wellKnown("wk-none.test", R"({"m.server":"has spaces"})");
  expectResolved(discovery_->resolve("wk-none.test"), {"wk-none.test", 8448, "wk-none.test", "127.0.0.1"});
}

TEST_F(Discovery, WellKnownOver50KiBIsIgnored) {
  wellKnown("wk-big.test", R"({"m.server":"127.0.0.1:9999","pad":")" + std::string(60 * 1024, 'x') + "\"}");
  expectResolved(discovery_->resolve("wk-big.test"), {"wk-big.test", 8448, "wk-big.test", "127.0.0.1"});
}

TEST_F(Discovery, WellKnownRedirectIsFollowedOverHttpsOnly) {
  http::Response moved = http::Response::json(302, "{}");
  moved.header("Location", "/elsewhere");
  {
    std::lock_guard lock(wk_.mu);
    wk_.by_host["wk-redirect.test"] = moved;
  }
  // /elsewhere answers by Host too: the same host, so the same scripted answer (a loop).
  expectResolved(discovery_->resolve("wk-redirect.test"), {"wk-redirect.test", 8448, "wk-redirect.test", "127.0.0.1"});
  EXPECT_EQ(server_->hits("/.well-known/matrix/server"), 1);
  EXPECT_EQ(server_->hits("/elsewhere"), 1);  // followed once, then the loop was seen

  http::Response to_other = http::Response::json(301, "{}");
  to_other.header("Location", "https://wk-ip.test:" + std::to_string(server_->port()) + "/.well-known/matrix/server");
  wellKnown("wk-ip.test", R"({"m.server":"127.0.0.1:9999"})");
  {
    std::lock_guard lock(wk_.mu);
    wk_.by_host["wk-loop.test"] = to_other;
  }
  expectResolved(discovery_->resolve("wk-loop.test"), {"127.0.0.1", 9999, "127.0.0.1:9999", "127.0.0.1"});
}

TEST_F(Discovery, WellKnownIsCachedPerItsHeaders) {
  wellKnown("wk-cached.test", R"({"m.server":"127.0.0.1:9999"})");
  discovery_->resolve("wk-cached.test");
  discovery_->forget("wk-cached.test");  // past the result cache: the well-known cache answers
  discovery_->resolve("wk-cached.test");
  EXPECT_EQ(server_->hits("/.well-known/matrix/server"), 1);

  net::HttpResponse r;
  r.headers = {{"cache-control", "public, max-age=7200"}};
  EXPECT_EQ(fed::wellKnownCacheMs(r, 0), 7200 * 1000);
  r.headers = {{"cache-control", "max-age=999999999"}};
  EXPECT_EQ(fed::wellKnownCacheMs(r, 0), 48LL * 3600 * 1000);  // capped at 48 h
  r.headers = {{"cache-control", "no-store"}};
  EXPECT_EQ(fed::wellKnownCacheMs(r, 0), 5 * 60 * 1000);  // at least 5 minutes
  r.headers = {};
  EXPECT_EQ(fed::wellKnownCacheMs(r, 0), 24LL * 3600 * 1000);  // 24 h without headers
  r.headers = {{"expires", "Thu, 01 Jan 1970 02:00:00 GMT"}};
  EXPECT_EQ(fed::wellKnownCacheMs(r, 0), 2 * 3600 * 1000);
}

TEST_F(Discovery, WellKnownErrorsAreCachedBriefly) {
  constexpr int64_t kMinute = 60 * 1000;
  // An answer that is not a delegation (here a 404) is kept for an hour.
  wellKnown("wk-err.test", R"({"errcode":"M_NOT_FOUND","error":"no"})", 404);
  EXPECT_EQ(well_known_->delegatedName("wk-err.test"), std::nullopt);
  EXPECT_EQ(well_known_->delegatedName("wk-err.test"), std::nullopt);
  clock_.advance(59 * kMinute);
  EXPECT_EQ(well_known_->delegatedName("wk-err.test"), std::nullopt);
  EXPECT_EQ(server_->hits("/.well-known/matrix/server"), 1);
  clock_.advance(2 * kMinute);
  wellKnown("wk-err.test", R"({"m.server":"127.0.0.1:9999"})");
  EXPECT_EQ(well_known_->delegatedName("wk-err.test"), "127.0.0.1:9999");
  EXPECT_EQ(server_->hits("/.well-known/matrix/server"), 2);

  // No answer at all (the certificate does not name the host): a minute, then two, ...
  dns_.a_records["wk-badcert.test"] = {"127.0.0.1"};
  auto fetches = [this] {
    const auto q = dns_.queries();
    return std::count(q.begin(), q.end(), "A wk-badcert.test");
  };
  EXPECT_EQ(well_known_->delegatedName("wk-badcert.test"), std::nullopt);
  EXPECT_EQ(well_known_->delegatedName("wk-badcert.test"), std::nullopt);
  EXPECT_EQ(fetches(), 1);
  clock_.advance(kMinute + 1);
  EXPECT_EQ(well_known_->delegatedName("wk-badcert.test"), std::nullopt);
  EXPECT_EQ(fetches(), 2);
  clock_.advance(kMinute + 1);
  EXPECT_EQ(well_known_->delegatedName("wk-badcert.test"), std::nullopt);
  EXPECT_EQ(fetches(), 2);  // the second failure is kept for two minutes
  clock_.advance(kMinute);
  EXPECT_EQ(well_known_->delegatedName("wk-badcert.test"), std::nullopt);
  EXPECT_EQ(fetches(), 3);
  EXPECT_EQ(server_->hits("/.well-known/matrix/server"), 2);  // no request got past TLS
}

TEST_F(Discovery, WellKnownPointingAtAPrivateAddressIsRefused) {
  // 127.0.0.2 is loopback and only 127.0.0.1 is whitelisted here.
  wellKnown("wk-private.test", R"({"m.server":"127.0.0.2:8448"})");
  try {
    discovery_->resolve("wk-private.test");
    FAIL() << "a delegation to a refused address resolved";
  } catch (const fed::DiscoveryError& e) {
    EXPECT_TRUE(e.refusedByPolicy()) << e.what();
  }
  dns_.a_records["sneaky.test"] = {"10.1.2.3", "169.254.0.1"};
  EXPECT_THROW(discovery_->resolve("sneaky.test:443"), fed::DiscoveryError);
  EXPECT_THROW(discovery_->resolve("192.168.1.1"), fed::DiscoveryError);
  dns_.a_records["unknown.test"] = {};
  try {
    discovery_->resolve("unknown.test:443");
    FAIL();
  } catch (const fed::DiscoveryError& e) {
    EXPECT_FALSE(e.refusedByPolicy());
  }
}

}  // namespace
}  // namespace hs::test
