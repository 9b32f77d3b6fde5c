// Cross-signing over real HTTP: uploading master, self-signing and user-signing keys (with the
// spec's UIA exemptions), uploading signatures, and what /keys/query shows to whom.
#include <gtest/gtest.h>

#include "tests/support/e2ee_client.h"

namespace hs::test {
namespace {

const std::string kKeys = "/_matrix/client/v3/keys/";

// A user's three cross-signing keys, the other two signed by the master key.
struct CrossKeys {
  TestKey master, self_signing, user_signing;

  std::string key(const std::string& user, const std::string& usage, const TestKey& k, bool sign = true) const {
    json::Document doc;
    const std::string text = R"({"user_id":")" + user + R"(","usage":[")" + usage + R"("],"keys":{"ed25519:)" +
                             k.public_b64 + R"(":")" + k.public_b64 + R"("}})";
    doc.Parse(text.c_str());
    if (sign) {
      master.sign(doc, user, master.public_b64);
    }
    return json::toString(doc);
  }
  std::string body(const std::string& user, const std::string& auth = "") const {
    return R"({"master_key":)" + key(user, "master", master, false) + R"(,"self_signing_key":)" +
           key(user, "self_signing", self_signing) + R"(,"user_signing_key":)" +
           key(user, "user_signing", user_signing) + auth + "}";
  }
};

std::string passwordAuth(const std::string& user) {
  return R"(,"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":")" + user +
         R"("},"password":"password123"})";
}

class CrossSigning : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  static json::Document query(const Device& by, const Device& of) {
    const auto r = s().post(kKeys + "query", R"({"device_keys":{")" + of.user_id + R"(":[]}})", by.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static HttpResult uploadKeys(const Device& d, const std::string& body) {
    return s().post(kKeys + "device_signing/upload", body, d.token);
  }
  static TestServer* server_;
};
TestServer* CrossSigning::server_ = nullptr;

TEST_F(CrossSigning, FirstUploadNeedsNoAuthAndQueryShowsKeys) {
  const Device d = registerDevice(s(), "xs1", "XS1");
  const Device other = registerDevice(s(), "xs1other", "XSO");
  const CrossKeys k;
  ASSERT_EQ(uploadKeys(d, k.body(d.user_id)).status, 200);
  const auto own = query(d, d);
  EXPECT_TRUE(own["master_keys"][d.user_id.c_str()]["keys"].HasMember(("ed25519:" + k.master.public_b64).c_str()));
  EXPECT_TRUE(own["self_signing_keys"].HasMember(d.user_id.c_str()));
  EXPECT_TRUE(own["user_signing_keys"].HasMember(d.user_id.c_str()));
  const auto theirs = query(other, d);
  EXPECT_TRUE(theirs["master_keys"].HasMember(d.user_id.c_str()));
  EXPECT_TRUE(theirs["self_signing_keys"].HasMember(d.user_id.c_str()));
  EXPECT_FALSE(theirs["user_signing_keys"].HasMember(d.user_id.c_str()));  // the owner's only
  // Repeating the same keys (a lost response) needs no auth either.
  EXPECT_EQ(uploadKeys(d, k.body(d.user_id)).status, 200);
}

TEST_F(CrossSigning, ReplacingKeysNeedsThePassword) {
  const Device d = registerDevice(s(), "xs2", "XS2");
  ASSERT_EQ(uploadKeys(d, CrossKeys().body(d.user_id)).status, 200);
  const CrossKeys fresh;
  const auto challenge = uploadKeys(d, fresh.body(d.user_id));
  ASSERT_EQ(challenge.status, 401);
  EXPECT_TRUE(challenge.json().HasMember("flows"));
  EXPECT_NE(query(d, d)["master_keys"][d.user_id.c_str()]["keys"].MemberBegin()->name.GetString(),
            "ed25519:" + fresh.master.public_b64);
  ASSERT_EQ(uploadKeys(d, fresh.body(d.user_id, passwordAuth("xs2"))).status, 200);
  EXPECT_EQ(query(d, d)["master_keys"][d.user_id.c_str()]["keys"].MemberBegin()->name.GetString(),
            "ed25519:" + fresh.master.public_b64);
}

TEST_F(CrossSigning, BadKeysAreRefused) {
  const Device d = registerDevice(s(), "xs3", "XS3");
  const CrossKeys k;
  // A self-signing key not signed by the master key.
  auto r = uploadKeys(d, R"({"master_key":)" + k.key(d.user_id, "master", k.master, false) +
                             R"(,"self_signing_key":)" + k.key(d.user_id, "self_signing", k.self_signing, false) + "}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errcode(r), "M_INVALID_SIGNATURE");
  r = uploadKeys(d, R"({"self_signing_key":)" + k.key(d.user_id, "self_signing", k.self_signing) + "}");
  EXPECT_EQ(errcode(r), "M_MISSING_PARAM");  // no master key to check it against
  r = uploadKeys(d, R"({"master_key":)" + k.key("@someone:localhost", "master", k.master, false) + "}");
  EXPECT_EQ(errcode(r), "M_INVALID_PARAM");
  r = uploadKeys(d, R"({"master_key":)" + k.key(d.user_id, "self_signing", k.master, false) + "}");
  EXPECT_EQ(errcode(r), "M_INVALID_PARAM");  // wrong usage
  EXPECT_FALSE(query(d, d)["master_keys"].HasMember(d.user_id.c_str()));
}

TEST_F(CrossSigning, SelfSigningSignatureOfADeviceIsShownToEveryone) {
  const Device d = registerDevice(s(), "xs4", "XS4");
  const Device other = registerDevice(s(), "xs4other", "XS4O");
  ASSERT_EQ(s().post(kKeys + "upload", R"({"device_keys":)" + d.deviceKeys() + "}", d.token).status, 200);
  const CrossKeys k;
  ASSERT_EQ(uploadKeys(d, k.body(d.user_id)).status, 200);
  json::Document signed_device;
  signed_device.Parse(d.deviceKeys().c_str());
  k.self_signing.sign(signed_device, d.user_id, k.self_signing.public_b64);
  const auto r = s().post(kKeys + "signatures/upload",
                          R"({")" + d.user_id + R"(":{"XS4":)" + json::toString(signed_device) + "}}", d.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["failures"].MemberCount(), 0u) << r.body;
  const auto q = query(other, d);
  const auto& sigs = q["device_keys"][d.user_id.c_str()]["XS4"]["signatures"][d.user_id.c_str()];
  EXPECT_TRUE(sigs.HasMember(("ed25519:" + k.self_signing.public_b64).c_str()));
  EXPECT_TRUE(sigs.HasMember("ed25519:XS4"));  // the device's own signature stays
}

TEST_F(CrossSigning, InvalidSignaturesAreReportedAsFailures) {
  const Device d = registerDevice(s(), "xs5", "XS5");
  ASSERT_EQ(s().post(kKeys + "upload", R"({"device_keys":)" + d.deviceKeys() + "}", d.token).status, 200);
  const CrossKeys k;
  ASSERT_EQ(uploadKeys(d, k.body(d.user_id)).status, 200);
  json::Document forged;
  forged.Parse(d.deviceKeys().c_str());
  TestKey().sign(forged, d.user_id, k.self_signing.public_b64);  // the wrong private key
  json::Document altered;
  altered.Parse(d.deviceKeys().c_str());
  altered["algorithms"].PushBack("m.extra", altered.GetAllocator());
  k.self_signing.sign(altered, d.user_id, k.self_signing.public_b64);
  const auto r = s().post(kKeys + "signatures/upload",
                          R"({")" + d.user_id + R"(":{"XS5":)" + json::toString(forged) + R"(,"NOSUCH":{}},)"
                          R"("@xs5other:localhost":{"key":{}}})", d.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_STREQ(doc["failures"][d.user_id.c_str()]["XS5"]["errcode"].GetString(), "M_INVALID_SIGNATURE");
  EXPECT_STREQ(doc["failures"][d.user_id.c_str()]["NOSUCH"]["errcode"].GetString(), "M_NOT_FOUND");
  EXPECT_TRUE(doc["failures"].HasMember("@xs5other:localhost"));
  const auto r2 = s().post(kKeys + "signatures/upload",
                           R"({")" + d.user_id + R"(":{"XS5":)" + json::toString(altered) + "}}", d.token);
  EXPECT_STREQ(r2.json()["failures"][d.user_id.c_str()]["XS5"]["errcode"].GetString(), "M_INVALID_PARAM");
  const auto q = query(d, d);
  EXPECT_FALSE(q["device_keys"][d.user_id.c_str()]["XS5"]["signatures"][d.user_id.c_str()].HasMember(
      ("ed25519:" + k.self_signing.public_b64).c_str()));
}

// A user-signing key's signature of another user's master key is shown to the signer only.
TEST_F(CrossSigning, UserSigningSignatureIsVisibleToTheSignerOnly) {
  const Device signer = registerDevice(s(), "xs6a", "XS6A");
  const Device target = registerDevice(s(), "xs6b", "XS6B");
  const Device bystander = registerDevice(s(), "xs6c", "XS6C");
  const CrossKeys signer_keys, target_keys;
  ASSERT_EQ(uploadKeys(signer, signer_keys.body(signer.user_id)).status, 200);
  ASSERT_EQ(uploadKeys(target, target_keys.body(target.user_id)).status, 200);
  json::Document master;
  master.Parse(target_keys.key(target.user_id, "master", target_keys.master, false).c_str());
  signer_keys.user_signing.sign(master, signer.user_id, signer_keys.user_signing.public_b64);
  const auto r = s().post(kKeys + "signatures/upload",
                          R"({")" + target.user_id + R"(":{")" + target_keys.master.public_b64 + R"(":)" +
                              json::toString(master) + "}}",
                          signer.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["failures"].MemberCount(), 0u) << r.body;
  auto signedBySigner = [&](const Device& viewer) {
    const auto q = query(viewer, target);
    const auto* sigs = json::member(q["master_keys"][target.user_id.c_str()], "signatures");
    return sigs != nullptr && sigs->HasMember(signer.user_id.c_str());
  };
  EXPECT_TRUE(signedBySigner(signer));
  EXPECT_FALSE(signedBySigner(bystander));
  EXPECT_FALSE(signedBySigner(target));
}

TEST_F(CrossSigning, CrossSigningUploadIsADeviceListChange) {
  const Device a = registerDevice(s(), "xs7a", "XS7A");
  const Device b = registerDevice(s(), "xs7b", "XS7B");
  sharedRoom(s(), a.token, {b.token});
  const std::string since = nextBatch(sync(s(), a.token));
  ASSERT_EQ(uploadKeys(b, CrossKeys().body(b.user_id)).status, 200);
  const auto users = changed(sync(s(), a.token, since));
  EXPECT_NE(std::find(users.begin(), users.end(), b.user_id), users.end());
}

}  // namespace
}  // namespace hs::test
