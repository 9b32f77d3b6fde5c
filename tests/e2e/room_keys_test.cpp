// Server-side key backup over real HTTP: versions, keys at three scopes, the rule for
// replacing a stored session key, etag and count.
#include <gtest/gtest.h>

#include "tests/support/e2ee_client.h"

namespace hs::test {
namespace {

const std::string kVersion = "/_matrix/client/v3/room_keys/version";
const std::string kKeys = "/_matrix/client/v3/room_keys/keys";
const std::string kAlgorithm = "m.megolm_backup.v1.curve25519-aes-sha2";

std::string keyData(int first_index, int forwarded, bool verified, const std::string& marker) {
  return R"({"first_message_index":)" + std::to_string(first_index) + R"(,"forwarded_count":)" +
         std::to_string(forwarded) + R"(,"is_verified":)" + (verified ? "true" : "false") +
         R"(,"session_data":{"ciphertext":")" + marker + R"("}})";
}

class RoomKeys : public ::testing::Test {
 protected:
  void SetUp() override { d_ = registerDevice(s(), "rk" + std::to_string(counter_++), "RK"); }
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  std::string create(const std::string& public_key = "pk1") {
    const auto r = s().post(kVersion, R"({"algorithm":")" + kAlgorithm + R"(","auth_data":{"public_key":")" +
                                          public_key + R"("}})", d_.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["version"].GetString();
  }
  HttpResult putSession(const std::string& version, const std::string& session, const std::string& data) {
    return s().put(kKeys + "/!room:localhost/" + session + "?version=" + version, data, d_.token);
  }
  std::string storedMarker(const std::string& version, const std::string& session) {
    const auto r = s().get(kKeys + "/!room:localhost/" + session + "?version=" + version, d_.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json()["session_data"]["ciphertext"].GetString();
  }
  static TestServer* server_;
  static int counter_;
  Device d_;
};
TestServer* RoomKeys::server_ = nullptr;
int RoomKeys::counter_ = 0;

TEST_F(RoomKeys, NoBackupIsNotFound) {
  const auto r = s().get(kVersion, d_.token);
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(errcode(r), "M_NOT_FOUND");
  EXPECT_EQ(s().get(kVersion + "/1", d_.token).status, 404);
  EXPECT_EQ(putSession("1", "s", keyData(0, 0, false, "x")).status, 404);
}

TEST_F(RoomKeys, VersionsCountUpAndTheNewestIsCurrent) {
  EXPECT_EQ(create("pk1"), "1");
  EXPECT_EQ(create("pk2"), "2");
  auto current = s().get(kVersion, d_.token).json();
  EXPECT_STREQ(current["version"].GetString(), "2");
  EXPECT_STREQ(current["algorithm"].GetString(), kAlgorithm.c_str());
  EXPECT_STREQ(current["auth_data"]["public_key"].GetString(), "pk2");
  EXPECT_EQ(current["count"].GetInt64(), 0);
  EXPECT_TRUE(current["etag"].IsString());
  EXPECT_STREQ(s().get(kVersion + "/1", d_.token).json()["auth_data"]["public_key"].GetString(), "pk1");
  ASSERT_EQ(s().del(kVersion + "/2", "", d_.token).status, 200);
  EXPECT_EQ(s().get(kVersion + "/2", d_.token).status, 404);
  EXPECT_STREQ(s().get(kVersion, d_.token).json()["version"].GetString(), "1");
  EXPECT_EQ(create("pk3"), "3");  // a deleted version's number is never reused
  EXPECT_EQ(s().del(kVersion + "/99", "", d_.token).status, 404);
}

TEST_F(RoomKeys, UpdateChangesOnlyAuthData) {
  const std::string v = create();
  auto r = s().put(kVersion + "/" + v, R"({"algorithm":")" + kAlgorithm + R"(","auth_data":{"public_key":"new"}})",
                   d_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_STREQ(s().get(kVersion, d_.token).json()["auth_data"]["public_key"].GetString(), "new");
  r = s().put(kVersion + "/" + v, R"({"algorithm":"other.algorithm","auth_data":{}})", d_.token);
  EXPECT_EQ(errcode(r), "M_INVALID_PARAM");
  r = s().put(kVersion + "/" + v, R"({"algorithm":")" + kAlgorithm + R"(","auth_data":{},"version":"77"})", d_.token);
  EXPECT_EQ(errcode(r), "M_INVALID_PARAM");
  EXPECT_EQ(s().put(kVersion + "/55", R"({"algorithm":")" + kAlgorithm + R"(","auth_data":{}})", d_.token).status, 404);
}

TEST_F(RoomKeys, KeysAtEveryScopeWithEtagAndCount) {
  const std::string v = create();
  const std::string etag0 = s().get(kVersion, d_.token).json()["etag"].GetString();
  auto r = s().put(kKeys + "?version=" + v,
                   R"({"rooms":{"!a:localhost":{"sessions":{"s1":)" + keyData(0, 0, false, "a1") + R"(,"s2":)" +
                       keyData(0, 0, false, "a2") + R"(}},"!b:localhost":{"sessions":{"s3":)" +
                       keyData(0, 0, false, "b3") + "}}}}",
                   d_.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["count"].GetInt64(), 3);
  const std::string etag1 = r.json()["etag"].GetString();
  EXPECT_NE(etag1, etag0);
  r = s().put(kKeys + "/!b:localhost?version=" + v, R"({"sessions":{"s4":)" + keyData(0, 0, false, "b4") + "}}",
              d_.token);
  EXPECT_EQ(r.json()["count"].GetInt64(), 4);
  const auto all = s().get(kKeys + "?version=" + v, d_.token).json();
  EXPECT_EQ(all["rooms"].MemberCount(), 2u);
  EXPECT_STREQ(all["rooms"]["!a:localhost"]["sessions"]["s2"]["session_data"]["ciphertext"].GetString(), "a2");
  EXPECT_EQ(all["rooms"]["!b:localhost"]["sessions"].MemberCount(), 2u);
  const auto room = s().get(kKeys + "/!a:localhost?version=" + v, d_.token).json();
  EXPECT_EQ(room["sessions"].MemberCount(), 2u);
  EXPECT_EQ(s().get(kKeys + "/!empty:localhost?version=" + v, d_.token).body, R"({"sessions":{}})");
  EXPECT_EQ(s().get(kKeys + "/!a:localhost/nosuch?version=" + v, d_.token).status, 404);
  r = s().del(kKeys + "/!a:localhost/s1?version=" + v, "", d_.token);
  EXPECT_EQ(r.json()["count"].GetInt64(), 3);
  EXPECT_NE(r.json()["etag"].GetString(), etag1);
  r = s().del(kKeys + "/!b:localhost?version=" + v, "", d_.token);
  EXPECT_EQ(r.json()["count"].GetInt64(), 1);
  r = s().del(kKeys + "?version=" + v, "", d_.token);
  EXPECT_EQ(r.json()["count"].GetInt64(), 0);
  EXPECT_EQ(s().get(kVersion, d_.token).json()["count"].GetInt64(), 0);
}

TEST_F(RoomKeys, StoredKeyIsReplacedOnlyByABetterOne) {
  const std::string v = create();
  ASSERT_EQ(putSession(v, "s", keyData(5, 1, false, "first")).status, 200);
  const std::string etag = s().get(kVersion, d_.token).json()["etag"].GetString();
  auto r = putSession(v, "s", keyData(6, 0, false, "later-index"));  // worse: higher index
  EXPECT_EQ(r.json()["etag"].GetString(), etag);  // nothing changed
  EXPECT_EQ(storedMarker(v, "s"), "first");
  EXPECT_EQ(putSession(v, "s", keyData(5, 2, false, "more-forwarded")).status, 200);
  EXPECT_EQ(storedMarker(v, "s"), "first");
  ASSERT_EQ(putSession(v, "s", keyData(5, 0, false, "less-forwarded")).status, 200);
  EXPECT_EQ(storedMarker(v, "s"), "less-forwarded");
  r = putSession(v, "s", keyData(2, 0, false, "lower-index"));
  EXPECT_EQ(storedMarker(v, "s"), "lower-index");
  EXPECT_NE(r.json()["etag"].GetString(), etag);
  ASSERT_EQ(putSession(v, "s", keyData(9, 9, true, "verified")).status, 200);  // verified wins
  EXPECT_EQ(storedMarker(v, "s"), "verified");
  ASSERT_EQ(putSession(v, "s", keyData(0, 0, false, "unverified")).status, 200);
  EXPECT_EQ(storedMarker(v, "s"), "verified");
  EXPECT_EQ(s().get(kVersion, d_.token).json()["count"].GetInt64(), 1);
}

TEST_F(RoomKeys, OnlyTheCurrentVersionTakesKeys) {
  const std::string old_version = create();
  create();
  const auto r = putSession(old_version, "s", keyData(0, 0, false, "x"));
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(errcode(r), "M_WRONG_ROOM_KEYS_VERSION");
  EXPECT_STREQ(r.json()["current_version"].GetString(), "2");
  EXPECT_EQ(errcode(s().put(kKeys + "/!room:localhost/s", keyData(0, 0, false, "x"), d_.token)), "M_MISSING_PARAM");
  EXPECT_EQ(errcode(putSession("2", "s", R"({"first_message_index":0})")), "M_BAD_JSON");
}

// Negative counts would win every later comparison of the replacement rule.
TEST_F(RoomKeys, NegativeIndicesAreRefused) {
  const std::string v = create();
  ASSERT_EQ(putSession(v, "s", keyData(3, 1, false, "good")).status, 200);
  for (const auto& data : {keyData(-1, 0, true, "bad"), keyData(0, -1, true, "bad")}) {
    const auto r = putSession(v, "s", data);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_EQ(errcode(r), "M_BAD_JSON");
  }
  EXPECT_EQ(storedMarker(v, "s"), "good");
}

TEST_F(RoomKeys, BackupsArePrivate) {
  const std::string v = create();
  ASSERT_EQ(putSession(v, "s", keyData(0, 0, false, "secret")).status, 200);
  const Device other = registerDevice(s(), "rkother" + std::to_string(counter_++), "RKO");
  EXPECT_EQ(s().get(kVersion, other.token).status, 404);
  EXPECT_EQ(s().get(kKeys + "?version=" + v, other.token).status, 404);
}

}  // namespace
}  // namespace hs::test
