// Server keys between real servers over real TLS: fetched, verified and cached (7-day cap),
// served as a notary with the notary's own signature, relayed by a trusted key server when the
// origin is down, one fetch for many concurrent lookups, and refusals (bad self-signature,
// unreachable origin) that store nothing.
#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "homeserver/core/clock.h"
#include "homeserver/core/json.h"
#include "tests/support/federation_helpers.h"
#include "tests/support/scripted_https_server.h"
#include "tests/support/sinks.h"

namespace hs::test {
namespace {

core::SigningKey keyOf(TestServer& s) { return core::SigningKey::loadFile(s.signingKeyPath()); }

json::Document parse(const HttpResult& r) { return r.json(); }

// The notary's entry for `server` in a /_matrix/key/v2/query answer.
const json::Value* entryFor(const json::Value& answer, const std::string& server) {
  for (const auto& e : answer["server_keys"].GetArray()) {
    if (e["server_name"].GetString() == server) {
      return &e;
    }
  }
  return nullptr;
}

// A key response for `name` listing `listed`, signed by `signer` (a forgery when they differ).
json::Document keyResponse(const std::string& name, const core::SigningKey& listed, const core::SigningKey& signer,
                           int64_t valid_until) {
  json::Writer w;
  w.startObject().key("server_name").string(name).key("valid_until_ts").integer(valid_until);
  w.key("verify_keys").startObject().key(listed.keyId()).startObject().key("key").string(listed.publicKeyBase64());
  w.endObject().endObject().endObject();
  json::Document d = *json::tryParse(w.take());
  core::signJson(d, name, signer);
  return d;
}

// A query signed by `key` as `origin`, which hs1 must authenticate by fetching origin's keys.
HttpResult queryAs(TestServer& hs1, const core::SigningKey& key, const std::string& origin, const TestPki& pki) {
  return signedRequest(hs1, key, origin,
                       {"GET", "/_matrix/federation/v1/query/profile?user_id=%40x%3A" + hs1.config().server_name},
                       pki.caFile());
}

int64_t keyServerHits(TestServer& s) {
  const auto metrics = httpRequest("GET", s.metricsUrl("/metrics")).body;
  const std::string marker = "endpoint=\"/_matrix/key/v2/server\",status=\"200\"} ";
  const size_t at = metrics.find(marker);
  return at == std::string::npos ? 0 : std::stoll(metrics.substr(at + marker.size()));
}

TEST(FederationKeys, NotaryServesAnotherServersKeysWithBothSignatures) {
  TestPki pki;
  const int p1 = freeLoopbackPort(), p2 = freeLoopbackPort();
  TestServer hs1(federating(pki, p1));
  TestServer hs2(federating(pki, p2));
  const auto k1 = keyOf(hs1), k2 = keyOf(hs2);

  const auto r = httpRequest("GET", hs1.federationUrl("/_matrix/key/v2/query/" + fedName(p2)), "", {}, pki.caFile());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = parse(r);
  const json::Value* e = entryFor(doc, fedName(p2));
  ASSERT_NE(e, nullptr) << r.body;
  EXPECT_TRUE(core::verifyJsonSignature(*e, fedName(p2), k2.keyId(), k2.publicKey()));  // the origin's
  EXPECT_TRUE(core::verifyJsonSignature(*e, fedName(p1), k1.keyId(), k1.publicKey()));  // the notary's
  EXPECT_EQ((*e)["verify_keys"][k2.keyId().c_str()]["key"].GetString(), k2.publicKeyBase64());
  // Cached in PostgreSQL, valid until what the origin said (a day), never beyond 7 days.
  const int64_t now = core::SystemClock().nowMs();
  const int64_t until = queryCount(hs1.dbUrl(), "SELECT valid_until_ts FROM server_keys WHERE server_name = '" +
                                                    fedName(p2) + "'");
  EXPECT_GT(until, now + 23 * 3600 * 1000LL);
  EXPECT_LE(until, now + 7 * 24 * 3600 * 1000LL);
}

TEST(FederationKeys, PostQueryAnswersForSeveralServers) {
  TestPki pki;
  const int p1 = freeLoopbackPort(), p2 = freeLoopbackPort(), dead = freeLoopbackPort();
  TestServer hs1(federating(pki, p1));
  TestServer hs2(federating(pki, p2));
  const std::string body = R"({"server_keys":{")" + fedName(p2) + R"(":{},")" + fedName(p1) +
                           R"(":{"ed25519:x":{"minimum_valid_until_ts":0}},")" + fedName(dead) + R"(":{}}})";
  const auto r = httpRequest("POST", hs1.federationUrl("/_matrix/key/v2/query"), body, {}, pki.caFile());
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = parse(r);
  EXPECT_NE(entryFor(doc, fedName(p2)), nullptr);
  EXPECT_NE(entryFor(doc, fedName(p1)), nullptr);  // its own keys too
  EXPECT_EQ(entryFor(doc, fedName(dead)), nullptr);  // nobody there: no entry
  EXPECT_EQ(doc["server_keys"].Size(), 2u);
  // Bad queries are Matrix errors.
  EXPECT_EQ(httpRequest("POST", hs1.federationUrl("/_matrix/key/v2/query"), "{}", {}, pki.caFile()).status, 400);
  EXPECT_EQ(httpRequest("GET", hs1.federationUrl("/_matrix/key/v2/query/not%20a%20name"), "", {}, pki.caFile()).status,
            400);
}

TEST(FederationKeys, TrustedKeyServerRelaysKeysWhenTheOriginIsDown) {
  TestPki pki;
  const int p1 = freeLoopbackPort(), p2 = freeLoopbackPort(), p3 = freeLoopbackPort();
  TestServer hs1(federating(pki, p1));
  auto hs2 = std::make_unique<TestServer>(federating(pki, p2));
  const auto k2 = keyOf(*hs2);
  // hs1 caches hs2's keys, then hs2 goes away.
  ASSERT_EQ(httpRequest("GET", hs1.federationUrl("/_matrix/key/v2/query/" + fedName(p2)), "", {}, pki.caFile()).status,
            200);
  hs2.reset();
  TestServer hs3(federating(pki, p3, [p1](config::Config& c) {
    c.federation.trusted_key_servers = {config::TrustedKeyServer{fedName(p1), {}}};
  }));
  // A request signed with hs2's key reaches hs3: hs3 cannot ask hs2, so it asks hs1.
  const auto r = signedRequest(hs3, k2, fedName(p2),
                               {"GET", "/_matrix/federation/v1/query/profile?user_id=%40nobody%3A" + fedName(p3)},
                               pki.caFile());
  EXPECT_EQ(r.status, 404) << r.body;  // authenticated; the user just does not exist
  EXPECT_EQ(queryCount(hs3.dbUrl(), "SELECT count(*) FROM server_keys WHERE server_name = '" + fedName(p2) + "'"), 1);
}

TEST(FederationKeys, ConcurrentLookupsShareOneFetch) {
  TestPki pki;
  const int p1 = freeLoopbackPort(), p2 = freeLoopbackPort();
  TestServer hs1(federating(pki, p1));
  TestServer hs2(federating(pki, p2));
  const auto k2 = keyOf(hs2);
  const int64_t before = keyServerHits(hs2);
  std::vector<std::future<long>> calls;
  for (int i = 0; i < 16; ++i) {
    calls.push_back(std::async(std::launch::async, [&] {
      return signedRequest(hs1, k2, fedName(p2), {"GET", "/_matrix/federation/v1/query/profile?user_id=%40x%3A" + fedName(p1)},
                           pki.caFile()).status;
    }));
  }
  for (auto& c : calls) {
    EXPECT_EQ(c.get(), 404);
  }
  EXPECT_EQ(keyServerHits(hs2) - before, 1);  // sixteen lookups, one fetch
}

// An origin whose key response is signed with a key it does not list.
TEST(FederationKeys, BadSelfSignatureIsRefusedAndNothingStored) {
  TestPki pki;
  const int p1 = freeLoopbackPort();
  TestServer hs1(federating(pki, p1));
  const auto cert = pki.issue("impostor", {"localhost"});
  auto origin_key = core::SigningKey::generate("real");
  auto other_key = core::SigningKey::generate("other");
  ScriptedHttpsServer origin(cert.cert_path, cert.key_path);
  std::string origin_name;
  origin.on("GET", "/_matrix/key/v2/server", [&](const http::Request&) {
    auto d = keyResponse(origin_name, origin_key, other_key, core::SystemClock().nowMs() + 3600000);  // wrong key
    d["signatures"][origin_name.c_str()].AddMember(json::Value(origin_key.keyId().c_str(), d.GetAllocator()),
                                                   json::Value("AAAA", d.GetAllocator()), d.GetAllocator());
    return http::Response::json(200, json::toString(d));
  });
  origin.start();
  origin_name = fedName(origin.port());
  const auto r = queryAs(hs1, origin_key, origin_name, pki);
  EXPECT_EQ(r.status, 401) << r.body;
  EXPECT_EQ(r.json()["errcode"].GetString(), std::string("M_UNAUTHORIZED"));
  EXPECT_EQ(queryCount(hs1.dbUrl(), "SELECT count(*) FROM server_keys"), 0);
  EXPECT_EQ(queryCount(hs1.dbUrl(), "SELECT count(*) FROM server_key_responses"), 0);
}

TEST(FederationKeys, UnreachableOriginIsUnauthorizedAndNotHammered) {
  TestPki pki;
  const int p1 = freeLoopbackPort();
  TestServer hs1(federating(pki, p1));
  const auto cert = pki.issue("flaky", {"localhost"});
  ScriptedHttpsServer origin(cert.cert_path, cert.key_path);
  origin.on("GET", "/_matrix/key/v2/server",
            [](const http::Request&) { return http::Response::json(500, R"({"errcode":"M_UNKNOWN","error":"down"})"); });
  origin.start();
  const auto key = core::SigningKey::generate();
  const std::string name = fedName(origin.port());
  for (int i = 0; i < 3; ++i) {
    const auto r = queryAs(hs1, key, name, pki);
    EXPECT_EQ(r.status, 401) << r.body;
  }
  EXPECT_EQ(origin.hits("/_matrix/key/v2/server"), 1);  // the failure is remembered
  EXPECT_EQ(queryAs(hs1, key, fedName(freeLoopbackPort()), pki).status, 401);  // nothing listening at all
}

TEST(FederationKeys, ValidityIsCappedAtSevenDays) {
  TestPki pki;
  const int p1 = freeLoopbackPort();
  TestServer hs1(federating(pki, p1));
  const auto cert = pki.issue("longlived", {"localhost"});
  auto origin_key = core::SigningKey::generate("k");
  ScriptedHttpsServer origin(cert.cert_path, cert.key_path);
  std::string name;
  origin.on("GET", "/_matrix/key/v2/server", [&](const http::Request&) {
    return http::Response::json(200, json::toString(keyResponse(name, origin_key, origin_key, 4102444800000)));  // 2100
  });
  origin.start();
  name = fedName(origin.port());
  const auto r = queryAs(hs1, origin_key, name, pki);
  EXPECT_EQ(r.status, 404) << r.body;
  const int64_t until =
      queryCount(hs1.dbUrl(), "SELECT valid_until_ts FROM server_keys WHERE server_name = '" + name + "'");
  EXPECT_LE(until, core::SystemClock().nowMs() + 7 * 24 * 3600 * 1000LL);
}

}  // namespace
}  // namespace hs::test
