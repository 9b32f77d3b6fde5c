// Delivery status over real HTTP: sent -> delivered -> read as the recipients sync and send
// receipts; the least advanced recipient decides; only the sender may ask; the sender sees
// it in unsigned.im.parley.status of their own events in /sync.
#include <gtest/gtest.h>

#include "tests/support/matrix_client.h"

namespace hs::test {
namespace {

class DeliveryStatus : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new TestServer(); }
  static void TearDownTestSuite() { delete server_; }
  static TestServer& s() { return *server_; }
  static json::Document status(const std::string& token, const std::string& room, const std::string& event) {
    const auto r = s().get(kParley + "/rooms/" + enc(room) + "/event/" + enc(event) + "/status", token);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static std::string overall(const std::string& token, const std::string& room, const std::string& event) {
    const auto doc = status(token, room, event);
    return doc.IsObject() && doc.HasMember("status") ? doc["status"].GetString() : "?";
  }
  // unsigned.im.parley.status of `event` in the sender's sync, or "" when absent.
  static std::string statusInSync(const json::Value& doc, const std::string& room, const std::string& event) {
    const json::Value* r = joinedRoom(doc, room);
    if (r == nullptr) {
      return "(no room)";
    }
    for (const auto& e : (*r)["timeline"]["events"].GetArray()) {
      if (event == e["event_id"].GetString()) {
        const auto& u = e["unsigned"];
        return u.HasMember("im.parley.status") ? u["im.parley.status"].GetString() : "";
      }
    }
    return "(no event)";
  }
  static TestServer* server_;
};
TestServer* DeliveryStatus::server_ = nullptr;

TEST_F(DeliveryStatus, MovesFromSentToDeliveredToRead) {
  const auto ana = s().registerUser("ana");
  const auto bo = s().registerUser("bo");
  const std::string room = groupWith(s(), ana, {{"@bo:localhost", bo}});
  const std::string bo_since = sync(s(), bo)["next_batch"].GetString();
  const std::string msg = sendText(s(), ana, room, "did you get this?");

  auto doc = status(ana, room, msg);
  EXPECT_STREQ(doc["status"].GetString(), "sent");
  EXPECT_STREQ(doc["recipients"]["@bo:localhost"]["status"].GetString(), "sent");
  EXPECT_EQ(doc["recipients"].MemberCount(), 1u);  // the sender is no recipient
  EXPECT_EQ(statusInSync(sync(s(), ana), room, msg), "sent");

  const auto bo_sync = sync(s(), bo, bo_since);
  ASSERT_TRUE(contains(timelineIds(bo_sync, room), msg));
  doc = status(ana, room, msg);
  EXPECT_STREQ(doc["status"].GetString(), "delivered");
  EXPECT_STREQ(doc["recipients"]["@bo:localhost"]["status"].GetString(), "delivered");
  EXPECT_GT(doc["recipients"]["@bo:localhost"]["ts"].GetInt64(), 0);

  sendReceipt(s(), bo, room, msg);
  doc = status(ana, room, msg);
  EXPECT_STREQ(doc["status"].GetString(), "read");
  EXPECT_STREQ(doc["recipients"]["@bo:localhost"]["status"].GetString(), "read");
  EXPECT_EQ(statusInSync(sync(s(), ana), room, msg), "read");
}

TEST_F(DeliveryStatus, TheLeastAdvancedRecipientDecides) {
  const auto cal = s().registerUser("cal");
  const auto dee = s().registerUser("dee");
  const auto eli = s().registerUser("eli");
  const std::string room = groupWith(s(), cal, {{"@dee:localhost", dee}, {"@eli:localhost", eli}});
  const std::string msg = sendText(s(), cal, room, "hello both");
  sync(s(), dee);
  sendReceipt(s(), dee, room, msg);
  auto doc = status(cal, room, msg);
  EXPECT_STREQ(doc["status"].GetString(), "sent");
  EXPECT_STREQ(doc["recipients"]["@dee:localhost"]["status"].GetString(), "read");
  EXPECT_STREQ(doc["recipients"]["@eli:localhost"]["status"].GetString(), "sent");
  sync(s(), eli);
  EXPECT_EQ(overall(cal, room, msg), "delivered");
  // A later receipt covers earlier messages too.
  const std::string later = sendText(s(), cal, room, "and another");
  sendReceipt(s(), eli, room, later);
  EXPECT_EQ(overall(cal, room, msg), "read");
  EXPECT_EQ(overall(cal, room, later), "sent");  // dee has not synced since it was sent
}

TEST_F(DeliveryStatus, PrivateReceiptsDoNotTellTheSender) {
  const auto fin = s().registerUser("fin");
  const auto gia = s().registerUser("gia");
  const std::string room = groupWith(s(), fin, {{"@gia:localhost", gia}});
  const std::string msg = sendText(s(), fin, room, "secret?");
  sync(s(), gia);
  sendReceipt(s(), gia, room, msg, "m.read.private");
  EXPECT_EQ(overall(fin, room, msg), "delivered");
}

TEST_F(DeliveryStatus, OnlyTheSenderMayAsk) {
  const auto hu = s().registerUser("hu");
  const auto ian = s().registerUser("ian");
  const std::string room = groupWith(s(), hu, {{"@ian:localhost", ian}});
  const std::string msg = sendText(s(), hu, room, "mine");
  const std::string path = kParley + "/rooms/" + enc(room) + "/event/" + enc(msg) + "/status";
  const auto other = s().get(path, ian);
  EXPECT_EQ(other.status, 403);
  EXPECT_EQ(errcode(other), "M_FORBIDDEN");
  const auto missing = s().get(kParley + "/rooms/" + enc(room) + "/event/" + enc("$nope") + "/status", hu);
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(errcode(missing), "M_NOT_FOUND");
  EXPECT_EQ(errcode(s().get(kParley + "/rooms/notaroom/event/" + enc(msg) + "/status", hu)), "M_INVALID_PARAM");
  EXPECT_EQ(s().get(path).status, 401);
}

TEST_F(DeliveryStatus, AloneInARoomIsSent) {
  const auto jay = s().registerUser("jay");
  const std::string room = createRoom(s(), jay);
  const std::string msg = sendText(s(), jay, room, "echo");
  const auto doc = status(jay, room, msg);
  EXPECT_STREQ(doc["status"].GetString(), "sent");
  EXPECT_EQ(doc["recipients"].MemberCount(), 0u);
}

}  // namespace
}  // namespace hs::test
