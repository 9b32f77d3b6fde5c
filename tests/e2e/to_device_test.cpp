// To-device messages over real HTTP: addressing (one device, every device), idempotent
// transaction ids, delivery through /sync that survives a lost response, the per-response
// limit, and a deleted device's inbox.
#include <gtest/gtest.h>

#include <chrono>
#include <future>

#include "tests/support/e2ee_client.h"

namespace hs::test {
namespace {

class ToDevice : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  static HttpResult send(const Device& from, const std::string& txn, const std::string& messages,
                         const std::string& type = "m.test") {
    return s().put("/_matrix/client/v3/sendToDevice/" + type + "/" + txn, R"({"messages":)" + messages + "}",
                   from.token);
  }
  // The `n` values of the to_device events of a sync response, in order.
  static std::vector<int64_t> received(const json::Document& sync_response) {
    std::vector<int64_t> out;
    for (const auto& e : sync_response["to_device"]["events"].GetArray()) {
      out.push_back(e["content"]["n"].GetInt64());
    }
    return out;
  }
  static TestServer* server_;
};
TestServer* ToDevice::server_ = nullptr;

TEST_F(ToDevice, ReachesTheAddressedDeviceOnly) {
  const Device a = registerDevice(s(), "tda", "TDA");
  const Device b1 = registerDevice(s(), "tdb", "TDB1");
  const Device b2 = loginDevice(s(), "tdb", "TDB2");
  const std::string b1_since = nextBatch(sync(s(), b1.token));
  const std::string b2_since = nextBatch(sync(s(), b2.token));
  ASSERT_EQ(send(a, "t1", R"({")" + b1.user_id + R"(":{"TDB1":{"n":1}}})").status, 200);
  const auto got = sync(s(), b1.token, b1_since);
  ASSERT_EQ(got["to_device"]["events"].Size(), 1u);
  const auto& event = got["to_device"]["events"][0];
  EXPECT_STREQ(event["sender"].GetString(), a.user_id.c_str());
  EXPECT_STREQ(event["type"].GetString(), "m.test");
  EXPECT_EQ(event["content"]["n"].GetInt64(), 1);
  EXPECT_TRUE(received(sync(s(), b2.token, b2_since)).empty());
}

TEST_F(ToDevice, StarReachesEveryDeviceOfTheUser) {
  const Device a = registerDevice(s(), "stara", "SA");
  const Device b1 = registerDevice(s(), "starb", "SB1");
  const Device b2 = loginDevice(s(), "starb", "SB2");
  ASSERT_EQ(send(a, "t1", R"({")" + b1.user_id + R"(":{"*":{"n":7}}})").status, 200);
  EXPECT_EQ(received(sync(s(), b1.token)), std::vector<int64_t>{7});
  EXPECT_EQ(received(sync(s(), b2.token)), std::vector<int64_t>{7});
}

TEST_F(ToDevice, RetriedTransactionIsQueuedOnce) {
  const Device a = registerDevice(s(), "txa", "TXA");
  const Device b = registerDevice(s(), "txb", "TXB");
  const std::string messages = R"({")" + b.user_id + R"(":{"TXB":{"n":1}}})";
  ASSERT_EQ(send(a, "same", messages).status, 200);
  const auto retry = send(a, "same", messages);
  EXPECT_EQ(retry.status, 200);
  EXPECT_EQ(retry.body, "{}");
  // The same transaction id from another device of the sender is another transaction.
  const Device a2 = loginDevice(s(), "txa", "TXA2");
  ASSERT_EQ(send(a2, "same", R"({")" + b.user_id + R"(":{"TXB":{"n":2}}})").status, 200);
  EXPECT_EQ(received(sync(s(), b.token)), (std::vector<int64_t>{1, 2}));
}

// The client never saw the response that carried the message: it syncs again with the old
// token and gets the message again. Only a sync that presents the later token removes it.
TEST_F(ToDevice, LostSyncResponseLosesNothing) {
  const Device a = registerDevice(s(), "losta", "LA");
  const Device b = registerDevice(s(), "lostb", "LB");
  const std::string before = nextBatch(sync(s(), b.token));
  ASSERT_EQ(send(a, "t1", R"({")" + b.user_id + R"(":{"LB":{"n":1}}})").status, 200);
  const auto lost = sync(s(), b.token, before);  // this response is "dropped"
  ASSERT_EQ(received(lost), std::vector<int64_t>{1});
  const auto retried = sync(s(), b.token, before);
  EXPECT_EQ(received(retried), std::vector<int64_t>{1});
  ASSERT_EQ(send(a, "t2", R"({")" + b.user_id + R"(":{"LB":{"n":2}}})").status, 200);
  const auto next = sync(s(), b.token, nextBatch(retried));  // acknowledges 1
  EXPECT_EQ(received(next), std::vector<int64_t>{2});
  EXPECT_TRUE(received(sync(s(), b.token, nextBatch(next))).empty());
  // Once acknowledged a message is gone, even for a client that goes back to an old token.
  EXPECT_TRUE(received(sync(s(), b.token, before)).empty());
  EXPECT_TRUE(received(sync(s(), b.token)).empty());
}

TEST_F(ToDevice, AtMostOneHundredPerResponse) {
  const Device a = registerDevice(s(), "manya", "MA");
  const Device b = registerDevice(s(), "manyb", "MB");
  const std::string start = nextBatch(sync(s(), b.token));
  for (int i = 0; i < 130; ++i) {
    ASSERT_EQ(send(a, "t" + std::to_string(i), R"({")" + b.user_id + R"(":{"MB":{"n":)" + std::to_string(i) + "}}}")
                  .status,
              200);
  }
  const auto first = sync(s(), b.token, start);
  const auto first_n = received(first);
  ASSERT_EQ(first_n.size(), 100u);
  EXPECT_EQ(first_n.front(), 0);
  EXPECT_EQ(first_n.back(), 99);
  const auto second = sync(s(), b.token, nextBatch(first));
  const auto second_n = received(second);
  ASSERT_EQ(second_n.size(), 30u);
  EXPECT_EQ(second_n.front(), 100);
  EXPECT_EQ(second_n.back(), 129);
}

TEST_F(ToDevice, WakesAParkedSync) {
  const Device a = registerDevice(s(), "wakea", "WA");
  const Device b = registerDevice(s(), "wakeb", "WB");
  const std::string since = nextBatch(sync(s(), b.token));
  const auto started = std::chrono::steady_clock::now();
  auto parked = std::async(std::launch::async, [&] { return sync(s(), b.token, since, 20000); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  ASSERT_EQ(send(a, "t1", R"({")" + b.user_id + R"(":{"WB":{"n":5}}})").status, 200);
  const auto got = parked.get();
  EXPECT_LT(std::chrono::steady_clock::now() - started, std::chrono::seconds(10));
  EXPECT_EQ(received(got), std::vector<int64_t>{5});
}

TEST_F(ToDevice, UnknownTargetsAreSkippedAndBadBodiesRefused) {
  const Device a = registerDevice(s(), "skipa", "KA");
  const Device b = registerDevice(s(), "skipb", "KB");
  const auto r = send(a, "t1", R"({"@nobody:localhost":{"*":{"n":1}},"@far:remote.example":{"X":{"n":1}},")" +
                                   b.user_id + R"(":{"NODEVICE":{"n":1},"KB":{"n":2}}})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(received(sync(s(), b.token)), std::vector<int64_t>{2});
  EXPECT_EQ(errcode(send(a, "t2", R"({"not-a-user":{"*":{}}})")), "M_INVALID_PARAM");
  EXPECT_EQ(errcode(send(a, "t3", R"({")" + b.user_id + R"(":{"KB":"text"}})")), "M_BAD_JSON");
  EXPECT_EQ(errcode(s().put("/_matrix/client/v3/sendToDevice/m.test/t4", "{}", a.token)), "M_MISSING_PARAM");
}

TEST_F(ToDevice, DeletedDeviceLosesItsInbox) {
  const Device a = registerDevice(s(), "inboxa", "IA");
  const Device b = registerDevice(s(), "inboxb", "IB1");
  const Device b2 = loginDevice(s(), "inboxb", "IB2");
  ASSERT_EQ(send(a, "t1", R"({")" + b.user_id + R"(":{"IB2":{"n":1}}})").status, 200);
  ASSERT_EQ(s().post("/_matrix/client/v3/logout", "{}", b2.token).status, 200);
  const Device again = loginDevice(s(), "inboxb", "IB2");  // the same id, a new device
  EXPECT_TRUE(received(sync(s(), again.token)).empty());
}

}  // namespace
}  // namespace hs::test
