// Key JSON helpers: "<algorithm>:<key id>" maps, cross-signing public keys, merged signatures.
#include "homeserver/services/e2ee/key_json.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"

namespace hs::e2ee {
namespace {

json::Document parse(const char* text) {
  json::Document d;
  d.Parse(text);
  return d;
}

TEST(ParseKeyMap, SplitsIdsAndKeepsCanonicalKeys) {
  const auto doc = parse(R"({"signed_curve25519:AAAB":{"signatures":{},"key":"k1"},"curve25519:x:y":"k2"})");
  const auto keys = parseKeyMap(doc, "one_time_keys");
  ASSERT_EQ(keys.size(), 2u);
  EXPECT_EQ(keys[0].algorithm, "signed_curve25519");
  EXPECT_EQ(keys[0].key_id, "AAAB");
  EXPECT_EQ(keys[0].key_json, R"({"key":"k1","signatures":{}})");
  EXPECT_EQ(keys[1].algorithm, "curve25519");
  EXPECT_EQ(keys[1].key_id, "x:y");  // only the first colon separates
  EXPECT_EQ(keys[1].key_json, R"("k2")");
}

TEST(ParseKeyMap, RefusesMalformedEntries) {
  for (const char* bad : {R"({"nocolon":"k"})", R"({":id":"k"})", R"({"alg:":"k"})", R"({"alg:id":1})",
                          R"({"alg:id":{"key":1.5}})", R"([])"}) {
    const auto doc = parse(bad);
    try {
      parseKeyMap(doc, "one_time_keys");
      ADD_FAILURE() << "accepted " << bad;
    } catch (const core::MatrixError& e) {
      EXPECT_EQ(e.code(), core::ErrCode::BadJson) << bad;
    }
  }
}

TEST(CrossSigningPublicKey, OneEd25519KeyWhoseIdMatchesItsValue) {
  EXPECT_EQ(crossSigningPublicKey(parse(R"({"keys":{"ed25519:abc":"abc"}})")), "abc");
  EXPECT_FALSE(crossSigningPublicKey(parse(R"({"keys":{"ed25519:abc":"abd"}})")));
  EXPECT_FALSE(crossSigningPublicKey(parse(R"({"keys":{"curve25519:abc":"abc"}})")));
  EXPECT_FALSE(crossSigningPublicKey(parse(R"({"keys":{"ed25519:a":"a","ed25519:b":"b"}})")));
  EXPECT_FALSE(crossSigningPublicKey(parse(R"({"keys":{}})")));
  EXPECT_FALSE(crossSigningPublicKey(parse(R"({})")));
}

TEST(WithSignatures, MergesSignaturesAndDisplayName) {
  const std::string stored = R"({"device_id":"D","signatures":{"@u:x":{"ed25519:D":"own"}}})";
  const std::string out = withSignatures(stored, {Signature{"@u:x", "D", "@u:x", "ed25519:SSK", "cross"}}, "Phone");
  EXPECT_EQ(out, R"({"device_id":"D","signatures":{"@u:x":{"ed25519:D":"own","ed25519:SSK":"cross"}},)"
                 R"("unsigned":{"device_display_name":"Phone"}})");
  EXPECT_EQ(withSignatures(R"({"a":1})", {}), R"({"a":1})");
}

TEST(SignedPart, IgnoresSignaturesAndUnsigned) {
  EXPECT_EQ(signedPart(parse(R"({"b":1,"a":2,"signatures":{"x":{}},"unsigned":{}})")), R"({"a":2,"b":1})");
}

}  // namespace
}  // namespace hs::e2ee
