#include "homeserver/core/signing.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <stdexcept>
#include <type_traits>

#include "homeserver/core/matrix_error.h"
#include "tests/homeserver/core/vectors.h"

namespace hs::core {
namespace {

using test::canon;
using test::parse;

static_assert(!std::is_copy_constructible_v<SigningKey>);
static_assert(!std::is_copy_assignable_v<SigningKey>);
static_assert(std::is_nothrow_move_constructible_v<SigningKey>);

constexpr const char* kSpecSeed = "YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA1";
constexpr const char* kSigOneTwo =
    "KqmLSbO39/Bzb0QIYE82zqLwsA+PDzYIpIRA2sRQ4sL53+sN6/fpNSoqE7BP7vBZhG6kYdD13EIMJpvhJI+6Bw";

std::string signedOneTwo() {
  return std::string(R"({"one":1,"two":"Two","signatures":{"domain":{"ed25519:1":")") + kSigOneTwo +
         "\"}}}";
}

TEST(SigningKey, DerivesSpecPublicKeyFromSeed) {
  const auto vec = test::loadVectors("signing_key.json");
  const SigningKey key = test::specKey();
  EXPECT_EQ(key.publicKeyBase64(), test::str(vec["derived_public_key_unpadded_base64"]));
  EXPECT_EQ(key.keyId(), test::str(vec["key_id"]));
  EXPECT_EQ(key.publicKey().size(), 32u);
}

TEST(SigningKey, SignaturesAreDeterministicAndSurviveAMove) {
  SigningKey a = test::specKey();
  const std::string sig = a.sign("hello");
  EXPECT_EQ(sig.size(), 64u);
  SigningKey b = std::move(a);
  EXPECT_EQ(b.sign("hello"), sig);
  EXPECT_NE(b.sign("hello!"), sig);
  SigningKey c = SigningKey::generate("other");
  c = std::move(b);
  EXPECT_EQ(c.sign("hello"), sig);
  EXPECT_EQ(c.keyId(), "ed25519:1");
}

TEST(SigningKey, FromSeedRejectsBadVersionsAndSeeds) {
  const std::string seed(32, 'x');
  EXPECT_THROW(SigningKey::fromSeed("", seed), std::invalid_argument);
  EXPECT_THROW(SigningKey::fromSeed("a:b", seed), std::invalid_argument);
  EXPECT_THROW(SigningKey::fromSeed("a-b", seed), std::invalid_argument);
  EXPECT_THROW(SigningKey::fromSeed("v1", std::string(31, 'x')), std::invalid_argument);
  EXPECT_EQ(SigningKey::fromSeed("Ab_9", seed).keyId(), "ed25519:Ab_9");
}

TEST(SigningKey, GenerateGivesFreshKeysAndValidVersions) {
  const SigningKey a = SigningKey::generate();
  const SigningKey b = SigningKey::generate();
  EXPECT_TRUE(std::regex_match(a.version(), std::regex("a_[A-Za-z0-9]{4}"))) << a.version();
  EXPECT_NE(a.publicKeyBase64(), b.publicKeyBase64());
  EXPECT_EQ(SigningKey::generate("v2").keyId(), "ed25519:v2");
  EXPECT_THROW(SigningKey::generate("bad version"), std::invalid_argument);
}

TEST(SigningKeyFile, ParsesSynapseKeyLines) {
  const std::string pub = test::specKey().publicKeyBase64();
  EXPECT_EQ(SigningKey::parseKeyLine(std::string("ed25519 1 ") + kSpecSeed).publicKeyBase64(), pub);
  EXPECT_EQ(SigningKey::parseKeyLine(std::string("  ed25519\t1  ") + kSpecSeed + "=\r\n")
                .publicKeyBase64(),
            pub);
}

TEST(SigningKeyFile, RejectsMalformedKeyLines) {
  const std::string seed = kSpecSeed;
  EXPECT_THROW(SigningKey::parseKeyLine("ed25519 1"), std::runtime_error);
  EXPECT_THROW(SigningKey::parseKeyLine("ed448 1 " + seed), std::runtime_error);
  EXPECT_THROW(SigningKey::parseKeyLine("ed25519 1 " + seed + " extra"), std::runtime_error);
  EXPECT_THROW(SigningKey::parseKeyLine("ed25519 1 YJDBA9Xn$r2sV"), std::runtime_error);
  EXPECT_THROW(SigningKey::parseKeyLine("ed25519 1 YJDBA9Xnr2sV"), std::runtime_error);  // short
  EXPECT_THROW(SigningKey::parseKeyLine("ed25519 a:1 " + seed), std::runtime_error);
}

class SigningKeyFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl = (std::filesystem::temp_directory_path() / "parley-key-XXXXXX").string();
    ASSERT_NE(::mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string path(const char* name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(SigningKeyFileTest, WritesOwnerOnlyFileThatLoadsBack) {
  const std::string file = path("signing.key");
  test::specKey().writeFile(file);
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  std::ifstream in(file);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  // The spec's seed text ends in "A1", whose low bits are not zero; the canonical encoding of
  // the same 32 bytes ends in "A0".
  EXPECT_EQ(text, "ed25519 1 YJDBA9Xnr2sVqXD9Vj7XVUnmFZcZrlw8Md7kMW+3XA0\n");
  const SigningKey loaded = SigningKey::loadFile(file);
  EXPECT_EQ(loaded.keyId(), "ed25519:1");
  EXPECT_EQ(loaded.publicKeyBase64(), test::specKey().publicKeyBase64());
}

TEST_F(SigningKeyFileTest, RefusesToOverwriteAnExistingFile) {
  const std::string file = path("signing.key");
  test::specKey().writeFile(file);
  EXPECT_THROW(SigningKey::generate().writeFile(file), std::runtime_error);
  EXPECT_EQ(SigningKey::loadFile(file).publicKeyBase64(), test::specKey().publicKeyBase64());
}

TEST_F(SigningKeyFileTest, LoadTakesTheFirstKeyAndFailsOnMissingOrBadFiles) {
  const std::string multi = path("multi.key");
  std::ofstream(multi) << "\n\ned25519 first " << kSpecSeed << "\ned25519 second " << kSpecSeed;
  EXPECT_EQ(SigningKey::loadFile(multi).keyId(), "ed25519:first");
  EXPECT_THROW(SigningKey::loadFile(path("missing.key")), std::runtime_error);
  const std::string bad = path("bad.key");
  std::ofstream(bad) << "not a key\n";
  EXPECT_THROW(SigningKey::loadFile(bad), std::runtime_error);
  const std::string empty = path("empty.key");
  std::ofstream(empty) << "";
  EXPECT_THROW(SigningKey::loadFile(empty), std::runtime_error);
}

TEST(SignJson, ReproducesSpecVectors) {
  const auto vec = test::loadVectors("json_signing.json");
  const SigningKey key = test::specKey();
  ASSERT_EQ(vec["cases"].Size(), 2u);
  for (const auto& c : vec["cases"].GetArray()) {
    auto doc = test::copyOf(c["input"]);
    signJson(doc, "domain", key);
    EXPECT_EQ(canon(doc), canon(c["expected_signed"])) << test::str(c["name"]);
  }
}

TEST(SignJson, KeepsUnsignedAndExistingSignaturesOutOfTheSignedBytes) {
  auto doc = parse(R"({"two":"Two","unsigned":{"age":5},"one":1,
                       "signatures":{"other":{"ed25519:x":"abc"},"domain":{"ed25519:0":"old"}}})");
  signJson(doc, "domain", test::specKey());
  EXPECT_EQ(test::str(doc["signatures"]["domain"]["ed25519:1"]), kSigOneTwo);
  EXPECT_EQ(test::str(doc["signatures"]["domain"]["ed25519:0"]), "old");
  EXPECT_EQ(test::str(doc["signatures"]["other"]["ed25519:x"]), "abc");
  EXPECT_EQ(doc["unsigned"]["age"].GetInt(), 5);
}

TEST(SignJson, RejectsNonObjectsAndMalformedSignatures) {
  const SigningKey key = test::specKey();
  auto array = parse("[1]");
  EXPECT_THROW(signJson(array, "domain", key), MatrixError);
  auto bad_sigs = parse(R"({"a":1,"signatures":"x"})");
  EXPECT_THROW(signJson(bad_sigs, "domain", key), MatrixError);
  auto bad_entity = parse(R"({"a":1,"signatures":{"domain":[]}})");
  EXPECT_THROW(signJson(bad_entity, "domain", key), MatrixError);
  auto floats = parse(R"({"a":1.5})");
  EXPECT_THROW(signJson(floats, "domain", key), MatrixError);
}

TEST(SignJsonVerify, AcceptsSpecSignatures) {
  const auto vec = test::loadVectors("json_signing.json");
  for (const auto& c : vec["cases"].GetArray()) {
    EXPECT_TRUE(
        verifyJsonSignature(c["expected_signed"], "domain", "ed25519:1", test::specPublicKey()));
  }
}

TEST(SignJsonVerify, IgnoresUnsignedButNotContent) {
  auto doc = parse(signedOneTwo());
  doc.AddMember("unsigned", json::Value(parse(R"({"age":1})"), doc.GetAllocator()),
                doc.GetAllocator());
  EXPECT_TRUE(verifyJsonSignature(doc, "domain", "ed25519:1", test::specPublicKey()));
  doc["two"].SetString("Three");
  EXPECT_FALSE(verifyJsonSignature(doc, "domain", "ed25519:1", test::specPublicKey()));
  doc["two"].SetString("Two");
  doc.AddMember("three", 3, doc.GetAllocator());
  EXPECT_FALSE(verifyJsonSignature(doc, "domain", "ed25519:1", test::specPublicKey()));
}

TEST(SignJsonVerify, FailsForWrongKeyEntityOrKeyId) {
  const auto doc = parse(signedOneTwo());
  const std::string pub = test::specPublicKey();
  EXPECT_FALSE(verifyJsonSignature(doc, "domain", "ed25519:1", SigningKey::generate().publicKey()));
  EXPECT_FALSE(verifyJsonSignature(doc, "other", "ed25519:1", pub));
  EXPECT_FALSE(verifyJsonSignature(doc, "domain", "ed25519:2", pub));
  EXPECT_FALSE(verifyJsonSignature(doc, "domain", "ed25519:1", pub.substr(0, 31)));
  EXPECT_FALSE(verifyJsonSignature(parse(R"({"one":1})"), "domain", "ed25519:1", pub));
}

TEST(SignJsonVerify, FailsForUnknownAlgorithmAndBadSignatureEncoding) {
  const std::string pub = test::specPublicKey();
  auto doc = parse(signedOneTwo());
  auto& sig = doc["signatures"]["domain"];
  sig.AddMember("curve25519:1", json::Value(kSigOneTwo, doc.GetAllocator()), doc.GetAllocator());
  EXPECT_FALSE(verifyJsonSignature(doc, "domain", "curve25519:1", pub));
  sig["ed25519:1"].SetString("not*base64!");
  EXPECT_FALSE(verifyJsonSignature(doc, "domain", "ed25519:1", pub));
  sig["ed25519:1"].SetString("KqmLSbO39/Bzb0QIYE82zqLwsA");  // valid base64, too short
  EXPECT_FALSE(verifyJsonSignature(doc, "domain", "ed25519:1", pub));
  sig["ed25519:1"].SetInt(7);
  EXPECT_FALSE(verifyJsonSignature(doc, "domain", "ed25519:1", pub));
}

TEST(SignJsonVerify, AcceptsOwnSignaturesRoundTrip) {
  const SigningKey key = SigningKey::generate("rt");
  auto doc = parse(R"({"z":[1,2,{"y":"\u00e9"}],"a":null})");
  signJson(doc, "example.org", key);
  EXPECT_TRUE(verifyJsonSignature(doc, "example.org", "ed25519:rt", key.publicKey()));
  EXPECT_FALSE(verifyJsonSignature(doc, "example.org", "ed25519:rt", test::specPublicKey()));
}

}  // namespace
}  // namespace hs::core
