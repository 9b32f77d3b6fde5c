// Checking key responses with the spec's test key: self-signed responses are accepted (capped at
// seven days), and every forgery is refused with a reason.
#include "federation/keys/key_response.h"

#include <gtest/gtest.h>

#include "tests/homeserver/core/vectors.h"

namespace hs::fed {
namespace {

constexpr int64_t kNow = 1'700'000'000'000;

json::Document response(const core::SigningKey& key, const std::string& server, int64_t valid_until,
                        const std::string& extra = "") {
  json::Writer w;
  w.startObject().key("server_name").string(server).key("valid_until_ts").integer(valid_until);
  w.key("verify_keys").startObject().key(key.keyId()).startObject().key("key").string(key.publicKeyBase64());
  w.endObject().endObject();
  if (!extra.empty()) {
    w.key("old_verify_keys").raw(extra);
  }
  w.endObject();
  auto doc = *json::tryParse(w.take());
  core::signJson(doc, server, key);
  return doc;
}

TEST(CheckKeyResponse, AcceptsASelfSignedResponse) {
  const auto key = test::specKey();
  const auto doc = response(key, "domain", kNow + 3600 * 1000,
                            R"({"ed25519:old":{"key":"XGX0JRS2Af3be3knz2fBiRbApjm2Dh61gXDJA8kcJNI","expired_ts":5}})");
  const auto r = checkKeyResponse(doc, "domain", kNow);
  ASSERT_TRUE(std::holds_alternative<ServerKeys>(r)) << std::get<std::string>(r);
  const auto& keys = std::get<ServerKeys>(r);
  EXPECT_EQ(keys.keys.at("ed25519:1").public_key, test::specPublicKey());
  EXPECT_EQ(keys.keys.at("ed25519:1").valid_until_ts, kNow + 3600 * 1000);
  EXPECT_EQ(keys.keys.at("ed25519:old").expired_ts.value_or(0), 5);
  EXPECT_EQ(keys.valid_until_ts, kNow + 3600 * 1000);
}

TEST(CheckKeyResponse, CapsValidityAtSevenDays) {
  const auto doc = response(test::specKey(), "domain", kNow + 30LL * 24 * 3600 * 1000);
  const auto r = checkKeyResponse(doc, "domain", kNow);
  EXPECT_EQ(std::get<ServerKeys>(r).valid_until_ts, kNow + kMaxKeyValidityMs);
  EXPECT_EQ(std::get<ServerKeys>(r).keys.at("ed25519:1").valid_until_ts, kNow + kMaxKeyValidityMs);
}

TEST(CheckKeyResponse, RefusesForgeries) {
  const auto key = test::specKey();
  // For another server than the one asked.
  EXPECT_TRUE(std::holds_alternative<std::string>(checkKeyResponse(response(key, "domain", kNow), "evil", kNow)));
  // Signed by a key it does not list.
  auto other = core::SigningKey::generate("x");
  auto doc = response(key, "domain", kNow);
  core::signJson(doc, "domain", other);
  EXPECT_TRUE(std::holds_alternative<std::string>(checkKeyResponse(doc, "domain", kNow)));
  // A tampered field after signing.
  auto tampered = response(key, "domain", kNow);
  tampered["valid_until_ts"].SetInt64(kNow + 1);
  EXPECT_TRUE(std::holds_alternative<std::string>(checkKeyResponse(tampered, "domain", kNow)));
  // Not signed at all, or only with algorithms we do not know.
  auto unsigned_doc = response(key, "domain", kNow);
  unsigned_doc.RemoveMember("signatures");
  EXPECT_TRUE(std::holds_alternative<std::string>(checkKeyResponse(unsigned_doc, "domain", kNow)));
  // A key that is not 32 bytes.
  auto bad_key = test::parse(R"({"server_name":"domain","valid_until_ts":1,"verify_keys":{"ed25519:1":{"key":"AAAA"}}})");
  EXPECT_TRUE(std::holds_alternative<std::string>(checkKeyResponse(bad_key, "domain", kNow)));
  EXPECT_TRUE(std::holds_alternative<std::string>(checkKeyResponse(test::parse("[]"), "domain", kNow)));
}

}  // namespace
}  // namespace hs::fed
