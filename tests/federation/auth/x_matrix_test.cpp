// The X-Matrix authenticator against the derived spec vectors (signed with the spec's test
// key): the vector requests are accepted as from "domain"; everything else is 401 (or 400 for a
// body that is not JSON) before any handler runs. Keys come from a fixed table, standing in for
// the key ring at its interface.
#include "federation/auth/x_matrix.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"
#include "tests/homeserver/core/vectors.h"

namespace hs::fed {
namespace {

class KeyTable final : public core::ServerKeyLookup {
 public:
  std::map<std::pair<std::string, std::string>, core::VerifyKey> keys;
  std::optional<core::VerifyKey> verifyKey(const std::string& server, const std::string& key_id, int64_t) override {
    auto it = keys.find({server, key_id});
    return it == keys.end() ? std::nullopt : std::optional<core::VerifyKey>(it->second);
  }
};

http::Request vectorRequest(const json::Value& c) {
  http::Request req;
  req.method = test::str(c["signed_object"]["method"]);
  req.target = test::str(c["signed_object"]["uri"]);
  req.path = req.target.substr(0, req.target.find('?'));
  if (c["signed_object"].HasMember("content")) {
    req.body = json::toString(c["signed_object"]["content"]);
  }
  req.headers["authorization"] = test::str(c["expected_authorization_header"]);
  return req;
}

struct Fixture {
  KeyTable keys;
  core::ManualClock clock{1'000'000};
  XMatrixAuthenticator auth{"remote.example", keys, clock};
  json::Document vectors = test::loadVectors("derived/x_matrix_request_signing.json");
  Fixture() { keys.keys[{"domain", "ed25519:1"}] = core::VerifyKey{test::specPublicKey(), 2'000'000, std::nullopt}; }
};

int statusOf(XMatrixAuthenticator& auth, const http::Request& req) {
  try {
    auth.authenticate(req);
    return 200;
  } catch (const core::MatrixError& e) {
    return e.httpStatus();
  }
}

TEST(XMatrixAuthenticator, AcceptsTheVectorsAndNamesTheOrigin) {
  Fixture f;
  std::vector<std::string> verified;
  f.auth.setVerifiedHook([&](const std::string& o) { verified.push_back(o); });
  for (const auto& c : f.vectors["cases"].GetArray()) {
    EXPECT_EQ(f.auth.authenticate(vectorRequest(c)).server_name, "domain") << test::str(c["name"]);
  }
  EXPECT_EQ(verified, (std::vector<std::string>{"domain", "domain"}));
}

TEST(XMatrixAuthenticator, RefusesEverythingElse) {
  Fixture f;
  const auto& put = f.vectors["cases"][0];
  auto req = vectorRequest(put);
  req.headers.erase("authorization");
  EXPECT_EQ(statusOf(f.auth, req), 401);  // unsigned
  req = vectorRequest(put);
  req.body = R"({"origin":"domain","origin_server_ts":1000001,"pdus":[]})";
  EXPECT_EQ(statusOf(f.auth, req), 401);  // another body
  req = vectorRequest(put);
  req.target += "?x=1";
  EXPECT_EQ(statusOf(f.auth, req), 401);  // another target
  req = vectorRequest(put);
  req.method = "POST";
  EXPECT_EQ(statusOf(f.auth, req), 401);
  XMatrixAuthenticator elsewhere("other.example", f.keys, f.clock);
  EXPECT_EQ(statusOf(elsewhere, vectorRequest(put)), 401);  // destination of another server
  req = vectorRequest(put);
  req.body = "not json";
  EXPECT_EQ(statusOf(f.auth, req), 400);
}

TEST(XMatrixAuthenticator, UnknownAndOldKeysAreRefused) {
  Fixture f;
  const auto& get = f.vectors["cases"][1];
  f.keys.keys.clear();
  EXPECT_EQ(statusOf(f.auth, vectorRequest(get)), 401);  // the key cannot be found
  // An old_verify_key may verify old events, never a request.
  f.keys.keys[{"domain", "ed25519:1"}] = core::VerifyKey{test::specPublicKey(), 2'000'000, 900'000};
  EXPECT_EQ(statusOf(f.auth, vectorRequest(get)), 401);
}

}  // namespace
}  // namespace hs::fed
