#include "homeserver/core/event_crypto.h"

#include <gtest/gtest.h>

#include "homeserver/core/base64.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/redaction.h"
#include "tests/homeserver/core/vectors.h"

namespace hs::core {
namespace {

using test::canon;
using test::parse;

// Hash then sign, the order §7 prescribes for an outgoing PDU.
json::Document hashAndSign(const json::Value& input, const std::string& room_version) {
  auto pdu = test::copyOf(input);
  addContentHash(pdu);
  signEvent(pdu, "domain", test::specKey(), room_version);
  return pdu;
}

json::Document signedMessage() {
  return hashAndSign(parse(R"({"type":"m.room.message","room_id":"!r:domain","sender":"@u:domain",
      "origin_server_ts":5,"depth":2,"prev_events":[],"auth_events":[],
      "content":{"body":"hi","msgtype":"m.text"}})"),
                     "11");
}

bool verifies(const json::Value& pdu, const std::string& room_version = "11") {
  return verifyEventSignature(pdu, "domain", "ed25519:1", test::specPublicKey(), room_version);
}

TEST(EventSigning, SpecVectorsWithV10Redaction) {
  const auto vec = test::loadVectors("event_signing.json");
  ASSERT_EQ(vec["cases"].Size(), 2u);
  for (const auto& c : vec["cases"].GetArray()) {
    EXPECT_EQ(canon(hashAndSign(c["input"], "10")), canon(c["expected_signed"]))
        << test::str(c["name"]);
    EXPECT_TRUE(verifies(c["expected_signed"], "10"));
    // `origin` is signed under v10 rules only, so the v11 rules cannot verify these.
    EXPECT_FALSE(verifies(c["expected_signed"], "11"));
  }
}

// The spec's vectors keep `origin`, as every version before v11 does: each of v1-v10 signs
// them the same; v11 and v12 reproduce the derived v11 vectors.
TEST(EventSigning, VectorsOfEveryRoomVersion) {
  const auto spec = test::loadVectors("event_signing.json");
  const auto derived = test::loadVectors("derived/event_signing_v11_redaction.json");
  for (int v = 1; v <= 12; ++v) {
    const std::string version = std::to_string(v);
    if (v <= 10) {
      for (const auto& c : spec["cases"].GetArray()) {
        EXPECT_EQ(canon(hashAndSign(c["input"], version)), canon(c["expected_signed"])) << "v" << version;
        EXPECT_TRUE(verifies(c["expected_signed"], version)) << "v" << version;
      }
      continue;
    }
    for (const auto& c : derived["cases"].GetArray()) {
      const auto pdu = hashAndSign(c["input"], version);
      EXPECT_EQ(canon(pdu["signatures"]), canon(c["expected_signatures_with_v11_redaction"])) << "v" << version;
      EXPECT_TRUE(verifies(pdu, version)) << "v" << version;
    }
  }
}

TEST(EventSigning, DerivedVectorsWithV11Redaction) {
  const auto vec = test::loadVectors("derived/event_signing_v11_redaction.json");
  ASSERT_EQ(vec["cases"].Size(), 2u);
  for (const auto& c : vec["cases"].GetArray()) {
    auto pdu = test::copyOf(c["input"]);
    addContentHash(pdu);
    EXPECT_EQ(canon(pdu["hashes"]), canon(c["expected_hashes"]));
    EXPECT_EQ(canonicalJsonWithout(redactEvent(pdu, "11"), {"signatures"}),
              canon(c["redacted_form_that_is_signed_v11"]));
    signEvent(pdu, "domain", test::specKey(), "11");
    EXPECT_EQ(canon(pdu["signatures"]), canon(c["expected_signatures_with_v11_redaction"]));
    EXPECT_EQ(canon(pdu["unsigned"]), canon(c["input"]["unsigned"]));
    EXPECT_TRUE(verifies(pdu, "12"));
  }
}

TEST(EventIds, DerivedVectorsForV11AndV12) {
  const auto vec = test::loadVectors("derived/event_ids.json");
  ASSERT_EQ(vec["cases"].Size(), 3u);
  for (const auto& c : vec["cases"].GetArray()) {
    const std::string version = test::str(c["room_version"]);
    const auto pdu = hashAndSign(c["unsigned_input"], version);
    EXPECT_EQ(canon(pdu), canon(c["expected_signed_pdu"])) << test::str(c["name"]);
    EXPECT_EQ(eventIdFor(pdu, version), test::str(c["expected_event_id"]));
    EXPECT_EQ(eventIdFor(c["expected_signed_pdu"], version), test::str(c["expected_event_id"]));
    if (c.HasMember("expected_room_id")) {  // v12: the room ID is the create event's ID
      EXPECT_EQ("!" + eventIdFor(pdu, version).substr(1), test::str(c["expected_room_id"]));
    }
  }
}

TEST(EventIds, GomatrixserverlibCrossCheck) {
  const auto vec = test::loadVectors("derived/event_ids.json");
  const auto& x = vec["third_party_crosscheck"];
  // A room v5 create event: its redaction rules equal v10's for everything it contains.
  EXPECT_EQ(eventIdFor(x["event"], "10"), test::str(x["expected_event_id_room_v4_plus_urlsafe"]));
  EXPECT_EQ("$" + base64Encode(referenceHash(x["event"], "10")),
            test::str(x["expected_event_id_room_v3_standard_base64"]));
  EXPECT_NE(eventIdFor(x["event"], "11"), test::str(x["expected_event_id_room_v4_plus_urlsafe"]));
  EXPECT_TRUE(contentHashMatches(x["event"]));
}

// The cross-check event's IDs in the format of each version: v3 standard base64, v4-v10
// URL-safe (the same redaction for everything it holds), v1 and v2 carry their own.
TEST(EventIds, CrossCheckInEveryHashFormat) {
  const auto vec = test::loadVectors("derived/event_ids.json");
  const auto& x = vec["third_party_crosscheck"];
  for (int v = 4; v <= 10; ++v) {
    EXPECT_EQ(eventIdFor(x["event"], std::to_string(v)), test::str(x["expected_event_id_room_v4_plus_urlsafe"]))
        << "v" << v;
  }
  EXPECT_EQ("$" + base64Encode(referenceHash(x["event"], "3")),
            test::str(x["expected_event_id_room_v3_standard_base64"]));
}

TEST(EventIds, IgnoreSignaturesAndUnsignedButNotHashes) {
  auto pdu = signedMessage();
  const std::string id = eventIdFor(pdu, "11");
  EXPECT_EQ(id.size(), 44u);
  EXPECT_EQ(id.find_first_of("+/="), std::string::npos);
  pdu["signatures"]["domain"]["ed25519:1"].SetString("x");
  pdu.AddMember("unsigned", json::Value(parse(R"({"age":1})"), pdu.GetAllocator()),
                pdu.GetAllocator());
  EXPECT_EQ(eventIdFor(pdu, "11"), id);
  pdu["hashes"]["sha256"].SetString("AAAA");
  EXPECT_NE(eventIdFor(pdu, "11"), id);
  EXPECT_THROW(eventIdFor(pdu, "99"), MatrixError);
}

TEST(EventContentHash, ExcludesHashesSignaturesAndUnsigned) {
  const auto bare = parse(R"({"type":"X","content":{"a":1}})");
  const auto noisy = parse(R"({"type":"X","content":{"a":1},"hashes":{"sha256":"old"},
      "signatures":{"s":{}},"unsigned":{"age":1}})");
  EXPECT_EQ(contentHashBase64(bare), contentHashBase64(noisy));
  EXPECT_NE(contentHashBase64(bare), contentHashBase64(parse(R"({"type":"X","content":{"a":2}})")));
}

TEST(EventContentHash, AddReplacesStaleHashAndKeepsOtherAlgorithms) {
  auto pdu = parse(R"({"type":"X","content":{},"hashes":{"sha256":"old","blake3":"b"}})");
  addContentHash(pdu);
  EXPECT_EQ(test::str(pdu["hashes"]["sha256"]), contentHashBase64(pdu));
  EXPECT_EQ(test::str(pdu["hashes"]["blake3"]), "b");
  EXPECT_TRUE(contentHashMatches(pdu));
}

TEST(EventContentHash, MismatchDetectedWhenContentTampered) {
  auto pdu = signedMessage();
  EXPECT_TRUE(contentHashMatches(pdu));
  pdu["content"]["body"].SetString("bye");
  EXPECT_FALSE(contentHashMatches(pdu));
  // The signature covers only the redacted form, so it still verifies: §7 says keep the event
  // but treat it as redacted.
  EXPECT_TRUE(verifies(pdu));
}

TEST(EventContentHash, MissingOrMalformedHashDoesNotMatch) {
  auto pdu = parse(R"({"type":"X","content":{}})");
  EXPECT_FALSE(contentHashMatches(pdu));
  pdu.AddMember("hashes", json::Value(parse(R"({"sha256":"!!notbase64"})"), pdu.GetAllocator()),
                pdu.GetAllocator());
  EXPECT_FALSE(contentHashMatches(pdu));
  pdu["hashes"]["sha256"].SetInt(1);
  EXPECT_FALSE(contentHashMatches(pdu));
}

TEST(EventSignatureVerify, FailsWhenASignedFieldChanges) {
  auto pdu = signedMessage();
  ASSERT_TRUE(verifies(pdu));
  pdu["sender"].SetString("@mallory:domain");
  EXPECT_FALSE(verifies(pdu));
}

TEST(EventSignatureVerify, FailsWhenTheHashChanges) {
  auto pdu = signedMessage();
  pdu["hashes"]["sha256"].SetString("AAAA");
  EXPECT_FALSE(verifies(pdu));
}

TEST(EventSignatureVerify, FailsForWrongKeyOrServer) {
  const auto pdu = signedMessage();
  EXPECT_FALSE(
      verifyEventSignature(pdu, "domain", "ed25519:1", SigningKey::generate().publicKey(), "11"));
  EXPECT_FALSE(verifyEventSignature(pdu, "other", "ed25519:1", test::specPublicKey(), "11"));
}

TEST(EventSigning, KeepsOtherServersSignatures) {
  auto pdu = signedMessage();
  const std::string ours = test::str(pdu["signatures"]["domain"]["ed25519:1"]);
  pdu["signatures"].AddMember(
      "other", json::Value(parse(R"({"ed25519:z":"q"})"), pdu.GetAllocator()), pdu.GetAllocator());
  signEvent(pdu, "domain", test::specKey(), "11");
  EXPECT_EQ(test::str(pdu["signatures"]["other"]["ed25519:z"]), "q");
  EXPECT_EQ(test::str(pdu["signatures"]["domain"]["ed25519:1"]), ours);
}

}  // namespace
}  // namespace hs::core
