// Device keys, one-time keys and fallback keys over real HTTP: upload, query, claim (and the
// claim race), and the key counts /sync reports.
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <set>
#include <thread>

#include "tests/support/e2ee_client.h"

namespace hs::test {
namespace {

const std::string kKeys = "/_matrix/client/v3/keys/";

class Keys : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  static HttpResult upload(const Device& d, const std::string& body) {
    return s().post(kKeys + "upload", body, d.token);
  }
  static json::Document claim(const Device& by, const Device& target, const std::string& algorithm) {
    const auto r = s().post(kKeys + "claim",
                            R"({"one_time_keys":{")" + target.user_id + R"(":{")" + target.device_id +
                                R"(":")" + algorithm + R"("}}})",
                            by.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  // The claimed key's id for `target`, or "" when nothing was handed out.
  static std::string claimedId(const json::Document& doc, const Device& target) {
    const auto* keys = json::member(doc["one_time_keys"], target.user_id);
    const auto* dev = keys ? json::member(*keys, target.device_id) : nullptr;
    return dev && dev->MemberCount() == 1 ? dev->MemberBegin()->name.GetString() : "";
  }
  static TestServer* server_;
};
TestServer* Keys::server_ = nullptr;

TEST_F(Keys, UploadCountsOneTimeKeys) {
  const Device d = registerDevice(s(), "kay", "KAYDEV");
  auto r = upload(d, R"({"device_keys":)" + d.deviceKeys() + R"(,"one_time_keys":)" + d.oneTimeKeys(5) + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["one_time_key_counts"]["signed_curve25519"].GetInt64(), 5);
  r = upload(d, R"({"one_time_keys":)" + d.oneTimeKeys(3, "more") + "}");
  EXPECT_EQ(r.json()["one_time_key_counts"]["signed_curve25519"].GetInt64(), 8);
  // A retried upload (same keys) is accepted and adds nothing.
  r = upload(d, R"({"device_keys":)" + d.deviceKeys() + R"(,"one_time_keys":)" + d.oneTimeKeys(5) + "}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["one_time_key_counts"]["signed_curve25519"].GetInt64(), 8);
  // An empty upload reports the counts; signed_curve25519 is there even when zero.
  const Device e = registerDevice(s(), "kay2", "KAY2DEV");
  r = upload(e, "{}");
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(r.body, R"({"one_time_key_counts":{"signed_curve25519":0}})");
}

TEST_F(Keys, DeviceKeysCannotBeReplaced) {
  const Device d = registerDevice(s(), "rex", "REXDEV");
  ASSERT_EQ(upload(d, R"({"device_keys":)" + d.deviceKeys() + "}").status, 200);
  Device impostor = d;
  impostor.ed25519 = TestKey();  // same device id, new identity key
  const auto r = upload(impostor, R"({"device_keys":)" + impostor.deviceKeys() + "}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errcode(r), "M_INVALID_PARAM");
  const auto q = s().post(kKeys + "query", R"({"device_keys":{")" + d.user_id + R"(":[]}})", d.token).json();
  EXPECT_STREQ(q["device_keys"][d.user_id.c_str()]["REXDEV"]["keys"]["ed25519:REXDEV"].GetString(),
               d.ed25519.public_b64.c_str());
}

TEST_F(Keys, UploadRejectsOtherDevicesAndBadKeys) {
  const Device d = registerDevice(s(), "uma", "UMADEV");
  Device other = d;
  other.device_id = "SOMEOTHER";
  auto r = upload(d, R"({"device_keys":)" + other.deviceKeys() + "}");
  EXPECT_EQ(r.status, 400);
  EXPECT_EQ(errcode(r), "M_INVALID_PARAM");
  r = upload(d, R"({"one_time_keys":{"nocolon":{"key":"x"}}})");
  EXPECT_EQ(errcode(r), "M_BAD_JSON");
  r = upload(d, R"({"one_time_keys":{"signed_curve25519:a":5}})");
  EXPECT_EQ(errcode(r), "M_BAD_JSON");
  r = upload(d, R"({"one_time_keys":{"signed_curve25519:a":{"key":"one"}}})");
  ASSERT_EQ(r.status, 200);
  r = upload(d, R"({"one_time_keys":{"signed_curve25519:a":{"key":"two"}}})");
  EXPECT_EQ(r.status, 400);  // a key id reused for a different key
  EXPECT_EQ(errcode(r), "M_INVALID_PARAM");
  r = upload(d, R"({"fallback_keys":{"signed_curve25519:f1":{"key":"a"},"signed_curve25519:f2":{"key":"b"}}})");
  EXPECT_EQ(errcode(r), "M_INVALID_PARAM");  // one fallback key per algorithm
}

TEST_F(Keys, QueryReturnsKeysWithDisplayNameAndSkipsUnknown) {
  Device d = registerDevice(s(), "quin", "QDEV");
  ASSERT_EQ(s().put("/_matrix/client/v3/devices/QDEV", R"({"display_name":"Quin's phone"})", d.token).status, 200);
  ASSERT_EQ(upload(d, R"({"device_keys":)" + d.deviceKeys() + "}").status, 200);
  const Device asker = registerDevice(s(), "asker", "ASKDEV");
  const auto r = s().post(kKeys + "query",
                          R"({"device_keys":{")" + d.user_id +
                              R"(":[],"@nobody:localhost":[],"@far:remote.example":[]}})",
                          asker.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  const auto& dev = doc["device_keys"][d.user_id.c_str()]["QDEV"];
  EXPECT_STREQ(dev["unsigned"]["device_display_name"].GetString(), "Quin's phone");
  EXPECT_STREQ(dev["device_id"].GetString(), "QDEV");
  EXPECT_TRUE(dev["signatures"][d.user_id.c_str()].HasMember("ed25519:QDEV"));
  EXPECT_EQ(doc["device_keys"]["@nobody:localhost"].MemberCount(), 0u);
  EXPECT_FALSE(doc["device_keys"].HasMember("@far:remote.example"));
  EXPECT_TRUE(doc["failures"].IsObject());
  // Asking for one device id that has no keys gives an empty map for the user.
  const auto one = s().post(kKeys + "query", R"({"device_keys":{")" + d.user_id + R"(":["NOPE"]}})", asker.token);
  EXPECT_EQ(one.json()["device_keys"][d.user_id.c_str()].MemberCount(), 0u);
  EXPECT_EQ(errcode(s().post(kKeys + "query", R"({"device_keys":{"not-a-user":[]}})", asker.token)),
            "M_INVALID_PARAM");
  EXPECT_EQ(errcode(s().post(kKeys + "query", R"({})", asker.token)), "M_MISSING_PARAM");
}

TEST_F(Keys, ClaimHandsOutEachKeyOnceThenTheFallbackKey) {
  const Device d = registerDevice(s(), "cleo", "CLEODEV");
  const Device asker = registerDevice(s(), "claimer", "CLDEV");
  ASSERT_EQ(upload(d, R"({"one_time_keys":)" + d.oneTimeKeys(2) + "}").status, 200);
  EXPECT_EQ(claimedId(claim(asker, d, "signed_curve25519"), d), "signed_curve25519:k0");  // oldest first
  EXPECT_EQ(claimedId(claim(asker, d, "signed_curve25519"), d), "signed_curve25519:k1");
  const auto none = claim(asker, d, "signed_curve25519");
  EXPECT_EQ(claimedId(none, d), "");
  EXPECT_TRUE(none["failures"].IsObject());
  // With a fallback key, an exhausted device keeps answering with it; /sync says it is used.
  ASSERT_EQ(upload(d, R"({"fallback_keys":{"signed_curve25519:fb":{"key":"fbkey","fallback":true}}})").status, 200);
  auto synced = sync(s(), d.token);
  EXPECT_EQ(strings(&synced["device_unused_fallback_key_types"]), std::vector<std::string>{"signed_curve25519"});
  EXPECT_EQ(synced["device_one_time_keys_count"]["signed_curve25519"].GetInt64(), 0);
  const auto fb = claim(asker, d, "signed_curve25519");
  EXPECT_EQ(claimedId(fb, d), "signed_curve25519:fb");
  EXPECT_STREQ(fb["one_time_keys"][d.user_id.c_str()]["CLEODEV"]["signed_curve25519:fb"]["key"].GetString(), "fbkey");
  EXPECT_EQ(claimedId(claim(asker, d, "signed_curve25519"), d), "signed_curve25519:fb");
  synced = sync(s(), d.token);
  EXPECT_TRUE(synced["device_unused_fallback_key_types"].GetArray().Empty());
  // A new fallback key is unused again; one-time keys still come before it.
  ASSERT_EQ(upload(d, R"({"one_time_keys":)" + d.oneTimeKeys(1, "n") +
                          R"(,"fallback_keys":{"signed_curve25519:fb2":{"key":"fb2"}}})").status, 200);
  EXPECT_EQ(strings(&sync(s(), d.token)["device_unused_fallback_key_types"]).size(), 1u);
  EXPECT_EQ(claimedId(claim(asker, d, "signed_curve25519"), d), "signed_curve25519:n0");
  EXPECT_EQ(claimedId(claim(asker, d, "signed_curve25519"), d), "signed_curve25519:fb2");
}

TEST_F(Keys, SyncReportsOneTimeKeyCount) {
  const Device d = registerDevice(s(), "cnt", "CNTDEV");
  ASSERT_EQ(upload(d, R"({"one_time_keys":)" + d.oneTimeKeys(4) + "}").status, 200);
  const auto first = sync(s(), d.token);
  EXPECT_EQ(first["device_one_time_keys_count"]["signed_curve25519"].GetInt64(), 4);
  const Device asker = registerDevice(s(), "cntasker", "CNTASK");
  claim(asker, d, "signed_curve25519");
  const auto next = sync(s(), d.token, nextBatch(first));
  EXPECT_EQ(next["device_one_time_keys_count"]["signed_curve25519"].GetInt64(), 3);
}

// Many clients claim the same device's keys at once: every key is handed out exactly once,
// and once they are gone claims come back empty (no fallback key here).
TEST_F(Keys, ConcurrentClaimsNeverShareAKey) {
  constexpr int kKeysUploaded = 60;
  constexpr int kThreads = 12;
  constexpr int kClaimsEach = 8;  // 96 claims for 60 keys
  const Device d = registerDevice(s(), "race", "RACEDEV");
  ASSERT_EQ(upload(d, R"({"one_time_keys":)" + d.oneTimeKeys(kKeysUploaded) + "}").status, 200);
  std::vector<Device> claimers;
  for (int i = 0; i < kThreads; ++i) {
    claimers.push_back(registerDevice(s(), "racer" + std::to_string(i), "R" + std::to_string(i)));
  }
  std::mutex mu;
  std::multiset<std::string> handed_out;
  std::atomic<int> empty{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int n = 0; n < kClaimsEach; ++n) {
        const std::string id = claimedId(claim(claimers[i], d, "signed_curve25519"), d);
        if (id.empty()) {
          ++empty;
        } else {
          std::lock_guard lock(mu);
          handed_out.insert(id);
        }
      }
    });
  }
  for (auto& t : threads) {
    t.join();
  }
  EXPECT_EQ(handed_out.size(), static_cast<size_t>(kKeysUploaded));
  EXPECT_EQ(std::set<std::string>(handed_out.begin(), handed_out.end()).size(), handed_out.size())
      << "a one-time key was handed out twice";
  EXPECT_EQ(empty.load(), kThreads * kClaimsEach - kKeysUploaded);
  EXPECT_EQ(upload(d, "{}").json()["one_time_key_counts"]["signed_curve25519"].GetInt64(), 0);
}

TEST_F(Keys, DeletingADeviceRemovesItsKeys) {
  Device first = registerDevice(s(), "del", "DELA");
  const Device second = loginDevice(s(), "del", "DELB");
  ASSERT_EQ(upload(second, R"({"device_keys":)" + second.deviceKeys() + R"(,"one_time_keys":)" +
                               second.oneTimeKeys(3) + "}").status, 200);
  const auto r = s().del("/_matrix/client/v3/devices/DELB",
                         R"({"auth":{"type":"m.login.password","identifier":{"type":"m.id.user","user":"del"},"password":"password123"}})",
                         first.token);
  ASSERT_EQ(r.status, 200) << r.body;
  const auto q = s().post(kKeys + "query", R"({"device_keys":{")" + first.user_id + R"(":[]}})", first.token).json();
  EXPECT_FALSE(q["device_keys"][first.user_id.c_str()].HasMember("DELB"));
  EXPECT_EQ(claimedId(claim(first, second, "signed_curve25519"), second), "");
  // Logging in again with the old device id starts from nothing: no keys came back.
  const Device again = loginDevice(s(), "del", "DELB");
  EXPECT_EQ(upload(again, "{}").json()["one_time_key_counts"]["signed_curve25519"].GetInt64(), 0);
  EXPECT_EQ(upload(again, R"({"device_keys":)" + again.deviceKeys() + "}").status, 200);  // new identity
}

}  // namespace
}  // namespace hs::test
