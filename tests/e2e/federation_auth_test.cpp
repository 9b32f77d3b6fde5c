// X-Matrix on inbound requests, as an attacker would try it: every forged, misdirected or
// replayed transaction is refused (401 M_UNAUTHORIZED, or 400 for a replay with other content)
// and stores nothing. The "good" requests here are signed by a real second server's key.
#include <gtest/gtest.h>

#include "homeserver/core/base64.h"
#include "homeserver/core/x_matrix.h"
#include "tests/support/federation_helpers.h"
#include "tests/support/sinks.h"

namespace hs::test {
namespace {

class FederationAuth : public FederatingPair {
 protected:
  void SetUp() override {
    FederatingPair::SetUp();
    bob_ = hs1_->registerUser("bob", "password123", "BOBDEV");
    k2_ = std::make_unique<core::SigningKey>(core::SigningKey::loadFile(hs2_->signingKeyPath()));
  }
  // A transaction from hs2 carrying one to-device message for bob@hs1 with `n` in it.
  std::string txn(int n, const std::string& origin = "") const {
    return R"({"origin":")" + (origin.empty() ? fedName(p2_) : origin) +
           R"(","origin_server_ts":1,"pdus":[],"edus":[{"edu_type":"m.direct_to_device","content":{)"
           R"("sender":"@alice:)" + fedName(p2_) + R"(","type":"m.test","message_id":"m)" + std::to_string(n) +
           R"(","messages":{"@bob:)" + fedName(p1_) + R"(":{"BOBDEV":{"n":)" + std::to_string(n) + "}}}}}]}";
  }
  HttpResult send(const std::string& txn_id, const std::string& body, SignedRequest r = {}) {
    r.method = "PUT";
    r.target = "/_matrix/federation/v1/send/" + txn_id;
    r.body = body;
    return signedRequest(*hs1_, *k2_, fedName(p2_), r, pki_.caFile());
  }
  size_t bobMessages() {
    const auto doc = hs1_->get("/_matrix/client/v3/sync", bob_).json();
    return doc.HasMember("to_device") ? doc["to_device"]["events"].Size() : 0;
  }
  int64_t storedTransactions() {
    return queryCount(hs1_->dbUrl(), "SELECT count(*) FROM federation_inbound_txns");
  }
  void expectUnauthorized(const HttpResult& r) {
    EXPECT_EQ(r.status, 401) << r.body;
    EXPECT_EQ(r.json()["errcode"].GetString(), std::string("M_UNAUTHORIZED"));
  }

  std::unique_ptr<core::SigningKey> k2_;
  std::string bob_;
};

TEST_F(FederationAuth, AValidTransactionIsAppliedOnce) {
  ASSERT_EQ(send("t1", txn(1)).status, 200);
  const auto again = send("t1", txn(1));  // the sender's retry: same answer, applied once
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, R"({"pdus":{}})");
  EXPECT_EQ(bobMessages(), 1u);
  EXPECT_EQ(storedTransactions(), 1);
}

TEST_F(FederationAuth, NoAuthorizationHeader) {
  const auto r = httpRequest("PUT", hs1_->federationUrl("/_matrix/federation/v1/send/t1"), txn(1),
                             {"Content-Type: application/json"}, pki_.caFile());
  expectUnauthorized(r);
  EXPECT_EQ(bobMessages(), 0u);
  EXPECT_EQ(storedTransactions(), 0);
}

TEST_F(FederationAuth, WrongSignature) {
  SignedRequest r;
  // A valid signature, but over another body.
  const std::string other = txn(2);
  const auto doc = *json::tryParse(other);
  r.header = core::xMatrixAuthorization(*k2_, "PUT", "/_matrix/federation/v1/send/t1", fedName(p2_), fedName(p1_), &doc);
  expectUnauthorized(send("t1", txn(1), r));
  // Garbage in the sig parameter, and a header that is not X-Matrix at all.
  r.header = "X-Matrix origin=\"" + fedName(p2_) + "\",destination=\"" + fedName(p1_) + "\",key=\"" + k2_->keyId() +
             "\",sig=\"" + core::base64Encode(std::string(64, 'x')) + "\"";
  expectUnauthorized(send("t1", txn(1), r));
  r.header = "Bearer abc";
  expectUnauthorized(send("t1", txn(1), r));
  EXPECT_EQ(bobMessages(), 0u);
  EXPECT_EQ(storedTransactions(), 0);
}

TEST_F(FederationAuth, SignatureByAnUnknownKey) {
  const auto stranger = core::SigningKey::generate("notlisted");
  const auto r = signedRequest(*hs1_, stranger, fedName(p2_),
                               {"PUT", "/_matrix/federation/v1/send/t1", txn(1)}, pki_.caFile());
  expectUnauthorized(r);
  EXPECT_EQ(storedTransactions(), 0);
}

TEST_F(FederationAuth, DestinationOfAnotherServer) {
  SignedRequest r;
  r.destination = "elsewhere.example";
  expectUnauthorized(send("t1", txn(1), r));
  EXPECT_EQ(bobMessages(), 0u);
  EXPECT_EQ(storedTransactions(), 0);
}

TEST_F(FederationAuth, ReplayedTransactionIdWithOtherContent) {
  ASSERT_EQ(send("t1", txn(1)).status, 200);
  const auto r = send("t1", txn(2));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(r.json()["errcode"].GetString(), std::string("M_INVALID_PARAM"));
  const auto doc = hs1_->get("/_matrix/client/v3/sync", bob_).json();
  ASSERT_EQ(doc["to_device"]["events"].Size(), 1u);
  EXPECT_EQ(doc["to_device"]["events"][0]["content"]["n"].GetInt(), 1);  // the first, only
  EXPECT_EQ(storedTransactions(), 1);
}

TEST_F(FederationAuth, OriginMustBeTheSigner) {
  const auto r = send("t1", txn(1, "someone.else"));
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(bobMessages(), 0u);
  EXPECT_EQ(storedTransactions(), 0);
  // An EDU speaking for another server's user is ignored, the transaction still answered.
  const std::string foreign = R"({"origin":")" + fedName(p2_) +
                              R"(","origin_server_ts":1,"pdus":[],"edus":[{"edu_type":"m.direct_to_device",)"
                              R"("content":{"sender":"@mallory:third.example","type":"m.test","message_id":"z",)"
                              R"("messages":{"@bob:)" + fedName(p1_) + R"(":{"*":{"n":9}}}}}]})";
  EXPECT_EQ(send("t2", foreign).status, 200);
  EXPECT_EQ(bobMessages(), 0u);
}

TEST_F(FederationAuth, SpecNameSignatureIsAcceptedToo) {
  const auto doc = *json::tryParse(txn(1));
  std::string header = core::xMatrixAuthorization(*k2_, "PUT", "/_matrix/federation/v1/send/t1", fedName(p2_),
                                                  fedName(p1_), &doc);
  header.replace(header.find(",sig="), 5, ",signature=");
  SignedRequest r;
  r.header = header;
  EXPECT_EQ(send("t1", txn(1), r).status, 200);
  EXPECT_EQ(bobMessages(), 1u);
}

TEST_F(FederationAuth, QueryEndpointsNeedASignatureAndKeyEndpointsDoNot) {
  const auto unsigned_query = httpRequest(
      "GET", hs1_->federationUrl("/_matrix/federation/v1/query/profile?user_id=%40bob%3A" + fedName(p1_)), "", {},
      pki_.caFile());
  expectUnauthorized(unsigned_query);
  // The query string is part of what is signed: changing it breaks the signature.
  const auto doc_target = "/_matrix/federation/v1/query/profile?user_id=%40bob%3A" + fedName(p1_);
  SignedRequest r{"GET", doc_target + "&field=displayname"};
  r.header = core::xMatrixAuthorization(*k2_, "GET", doc_target, fedName(p2_), fedName(p1_), nullptr);
  expectUnauthorized(signedRequest(*hs1_, *k2_, fedName(p2_), r, pki_.caFile()));
  EXPECT_EQ(signedRequest(*hs1_, *k2_, fedName(p2_), {"GET", doc_target}, pki_.caFile()).status, 200);
  EXPECT_EQ(httpRequest("GET", hs1_->federationUrl("/_matrix/key/v2/server"), "", {}, pki_.caFile()).status, 200);
}

TEST_F(FederationAuth, MalformedTransactionsAreBadRequests) {
  EXPECT_EQ(send("t1", "{\"origin\":\"" + fedName(p2_) + "\",\"pdus\":{}}").status, 400);
  std::string many = R"({"origin":")" + fedName(p2_) + R"(","origin_server_ts":1,"pdus":[],"edus":[)";
  for (int i = 0; i < 101; ++i) {
    many += std::string(i ? "," : "") + R"({"edu_type":"m.typing","content":{}})";
  }
  EXPECT_EQ(send("t2", many + "]}").status, 400);
  EXPECT_EQ(storedTransactions(), 0);
}

}  // namespace
}  // namespace hs::test
