#include "homeserver/core/x_matrix.h"

#include <gtest/gtest.h>

#include "tests/homeserver/core/vectors.h"

namespace hs::core {
namespace {

using test::parse;

constexpr const char* kUri = "/_matrix/federation/v1/send/1";

struct SignedRequest {
  json::Document body = parse(R"({"pdus":[],"edus":[]})");
  XMatrixAuth auth;
};

SignedRequest signedPut(const std::string& destination = "remote.example") {
  SignedRequest req;
  const std::string header =
      xMatrixAuthorization(test::specKey(), "PUT", kUri, "domain", destination, &req.body);
  req.auth = parseXMatrixAuthorization(header).value();
  return req;
}

bool verifies(const SignedRequest& req, std::string_view method = "PUT",
              std::string_view uri = kUri, const json::Value* body = nullptr,
              std::string_view us = "remote.example") {
  return verifyXMatrixRequest(req.auth, method, uri, us, body != nullptr ? body : &req.body,
                              test::specPublicKey());
}

TEST(XMatrix, DerivedVectorsBuildSignAndVerify) {
  const auto vec = test::loadVectors("derived/x_matrix_request_signing.json");
  ASSERT_EQ(vec["cases"].Size(), 2u);
  for (const auto& c : vec["cases"].GetArray()) {
    const auto& o = c["signed_object"];
    const json::Value* content = o.HasMember("content") ? &o["content"] : nullptr;
    const auto args = std::make_tuple(test::str(o["method"]), test::str(o["uri"]),
                                      test::str(o["origin"]), test::str(o["destination"]));
    const auto& [method, uri, origin, destination] = args;
    EXPECT_EQ(canonicalJson(xMatrixRequestObject(method, uri, origin, destination, content)),
              test::str(c["canonical_json"]));
    const std::string header =
        xMatrixAuthorization(test::specKey(), method, uri, origin, destination, content);
    EXPECT_EQ(header, test::str(c["expected_authorization_header"])) << test::str(c["name"]);
    const auto auth = parseXMatrixAuthorization(header);
    ASSERT_TRUE(auth.has_value());
    EXPECT_EQ(auth->signature, test::str(c["expected_sig"]));
    EXPECT_TRUE(
        verifyXMatrixRequest(*auth, method, uri, destination, content, test::specPublicKey()));
  }
}

TEST(XMatrixParse, ToleratesSpacingCaseQuotingAndUnknownParams) {
  const auto auth = parseXMatrixAuthorization(
      "x-matrix  Origin=domain , KEY=ed25519:1,\tsig = \"a\\\"b\\\\c\" ,extra=\"x,y\", "
      "destination=\"remote.example\"");
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->origin, "domain");
  EXPECT_EQ(auth->key_id, "ed25519:1");
  EXPECT_EQ(auth->signature, "a\"b\\c");
  EXPECT_EQ(auth->destination, "remote.example");
}

TEST(XMatrixParse, AcceptsSignatureSpellingAndMissingDestination) {
  const auto auth = parseXMatrixAuthorization(R"(X-Matrix signature="s",key="k",origin="o")");
  ASSERT_TRUE(auth.has_value());
  EXPECT_EQ(auth->signature, "s");
  EXPECT_FALSE(auth->destination.has_value());
}

TEST(XMatrixParse, RejectsMalformedHeaders) {
  for (const char* header : {
           "Bearer abc",
           "X-Matrixorigin=o,key=k,sig=s",
           "X-Matrix",
           "X-Matrix key=k,sig=s",             // no origin
           "X-Matrix origin=o,sig=s",          // no key
           "X-Matrix origin=o,key=k",          // no sig
           "X-Matrix origin=\"o,key=k,sig=s",  // unterminated quote
           "X-Matrix origin,key=k,sig=s",      // parameter without '='
           "X-Matrix origin=o,origin=p,key=k,sig=s",
           "X-Matrix origin=o,key=k,sig=s,signature=t",
           "X-Matrix origin=\"o\" junk,key=k,sig=s",
           "X-Matrix origin=\"\",key=k,sig=s",
       }) {
    EXPECT_FALSE(parseXMatrixAuthorization(header).has_value()) << header;
  }
}

TEST(XMatrixVerify, AcceptsRequestWithoutDestinationParam) {
  SignedRequest req = signedPut();
  req.auth.destination.reset();  // older senders: we still sign-check with our own name
  EXPECT_TRUE(verifies(req));
  EXPECT_FALSE(verifies(req, "PUT", kUri, nullptr, "elsewhere.example"));
}

TEST(XMatrixVerify, RejectsRequestMeantForAnotherServer) {
  const SignedRequest req = signedPut("other.example");
  EXPECT_TRUE(verifies(req, "PUT", kUri, nullptr, "other.example"));
  EXPECT_FALSE(verifies(req));
}

TEST(XMatrixVerify, RejectsTamperedRequest) {
  const SignedRequest req = signedPut();
  ASSERT_TRUE(verifies(req));
  EXPECT_FALSE(verifies(req, "POST"));
  EXPECT_FALSE(verifies(req, "PUT", "/_matrix/federation/v1/send/2"));
  const auto other_body = parse(R"({"pdus":[],"edus":[{}]})");
  EXPECT_FALSE(verifies(req, "PUT", kUri, &other_body));
  const auto empty_body = parse("{}");
  EXPECT_FALSE(verifies(req, "PUT", kUri, &empty_body));
  EXPECT_FALSE(verifyXMatrixRequest(req.auth, "PUT", kUri, "remote.example", nullptr,
                                    test::specPublicKey()));
}

TEST(XMatrixVerify, RejectsWrongKeyOrBrokenSignature) {
  SignedRequest req = signedPut();
  EXPECT_FALSE(verifyXMatrixRequest(req.auth, "PUT", kUri, "remote.example", &req.body,
                                    SigningKey::generate().publicKey()));
  req.auth.signature = "%%%";
  EXPECT_FALSE(verifies(req));
  req = signedPut();
  req.auth.origin = "evil.example";  // the signature is bound to the origin it names
  EXPECT_FALSE(verifies(req));
  req = signedPut();
  req.auth.key_id = "rsa:1";
  EXPECT_FALSE(verifies(req));
}

}  // namespace
}  // namespace hs::core
