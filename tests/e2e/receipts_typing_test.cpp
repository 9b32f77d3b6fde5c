// Typing notices, read receipts, read markers and unread counts, seen through /sync over
// real HTTP.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

using std::chrono::milliseconds;

// The ephemeral event of `type` in a room of a sync response, or nullptr.
const json::Value* ephemeral(const json::Document& doc, const std::string& room, const char* type) {
  const auto& join = doc["rooms"]["join"];
  if (!join.HasMember(room.c_str())) {
    return nullptr;
  }
  return findEvent(join[room.c_str()]["ephemeral"]["events"], type);
}

std::vector<std::string> typingUsers(const json::Value& typing) {
  std::vector<std::string> out;
  for (const auto& u : typing["content"]["user_ids"].GetArray()) {
    out.push_back(u.GetString());
  }
  return out;
}

class Typing : public RoomSuite<Typing> {
 protected:
  static HttpResult type(const User& u, const std::string& room, const std::string& body,
                         const std::string& user_id = "") {
    return s().put(kV3 + "/rooms/" + enc(room) + "/typing/" + enc(user_id.empty() ? u.id : user_id), body,
                   u.token);
  }
};

TEST_F(Typing, AppearsForOthersAndDisappearsAfterStop) {
  const User a = newUser("typ");
  const User b = newUser("typb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  std::string since = str(sync(b), "next_batch");
  ASSERT_EQ(type(a, room, R"({"typing":true,"timeout":30000})").status, 200);
  auto doc = sync(b, "since=" + enc(since));
  const auto* typing = ephemeral(doc, room, "m.typing");
  ASSERT_NE(typing, nullptr) << "no m.typing";
  EXPECT_EQ(typingUsers(*typing), std::vector<std::string>{a.id});
  since = str(doc, "next_batch");
  // Nothing changed: no new typing event.
  doc = sync(b, "since=" + enc(since));
  EXPECT_EQ(ephemeral(doc, room, "m.typing"), nullptr);
  since = str(doc, "next_batch");
  ASSERT_EQ(type(a, room, R"({"typing":false})").status, 200);
  doc = sync(b, "since=" + enc(since));
  typing = ephemeral(doc, room, "m.typing");
  ASSERT_NE(typing, nullptr) << "the stop is not reported";
  EXPECT_TRUE(typingUsers(*typing).empty());
}

TEST_F(Typing, ExpiresAfterItsTimeout) {
  const User a = newUser("typexp");
  const User b = newUser("typexpb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(type(a, room, R"({"typing":true,"timeout":300})").status, 200);
  const auto first = sync(b);
  const auto* typing = ephemeral(first, room, "m.typing");
  ASSERT_NE(typing, nullptr);
  EXPECT_EQ(typingUsers(*typing), std::vector<std::string>{a.id});
  std::this_thread::sleep_for(milliseconds(600));
  const auto later = sync(b, "since=" + enc(str(first, "next_batch")));
  typing = ephemeral(later, room, "m.typing");
  ASSERT_NE(typing, nullptr) << "the expiry is not reported";
  EXPECT_TRUE(typingUsers(*typing).empty());
}

// Out-of-range timeouts are clamped to [0, 120 s] (TypingTracker): 2^63-1 no longer means
// "typing forever" (the unit test moves a clock past 120 s), a negative one expires at once.
TEST_F(Typing, TimeoutsAreClamped) {
  const User a = newUser("typclamp");
  const User b = newUser("typclampb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(type(a, room, R"({"typing":true,"timeout":9223372036854775807})").status, 200);
  auto doc = sync(b);
  const auto* typing = ephemeral(doc, room, "m.typing");
  ASSERT_NE(typing, nullptr);
  EXPECT_EQ(typingUsers(*typing), std::vector<std::string>{a.id});
  ASSERT_EQ(type(a, room, R"({"typing":true,"timeout":-5})").status, 200);
  doc = sync(b);
  typing = ephemeral(doc, room, "m.typing");
  EXPECT_TRUE(typing == nullptr || typingUsers(*typing).empty());
}

TEST_F(Typing, WakesALongPoll) {
  const User a = newUser("typlp");
  const User b = newUser("typlpb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string since = str(sync(b), "next_batch");
  const std::string token = b.token;
  auto pending = std::async(std::launch::async, [&] {
    const auto start = std::chrono::steady_clock::now();
    auto r = s().get(kV3 + "/sync?timeout=10000&since=" + enc(since), token);
    return std::make_pair(r, std::chrono::steady_clock::now() - start);
  });
  std::this_thread::sleep_for(milliseconds(200));
  ASSERT_EQ(type(a, room, R"({"typing":true})").status, 200);
  const auto [r, elapsed] = pending.get();
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(elapsed).count(), 5000);
  ASSERT_EQ(r.status, 200);
  const auto doc = r.json();
  const auto* typing = ephemeral(doc, room, "m.typing");
  ASSERT_NE(typing, nullptr) << r.body;
  EXPECT_EQ(typingUsers(*typing), std::vector<std::string>{a.id});
}

TEST_F(Typing, Errors) {
  const User a = newUser("typerr");
  const User b = newUser("typerrb");
  const User outsider = newUser("typerrout");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_MATRIX_ERROR(type(a, room, R"({"typing":true})", b.id), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(type(outsider, room, R"({"typing":true})"), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(type(a, room, "{}"), 400, "M_MISSING_PARAM");
  EXPECT_MATRIX_ERROR(type(a, room, R"({"typing":"yes"})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(type(a, room, R"({"typing":true,"timeout":"long"})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(type(a, room, "nope"), 400, "M_NOT_JSON");
  EXPECT_MATRIX_ERROR(type(a, "!nope:localhost", R"({"typing":true})"), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(type(a, "nope", R"({"typing":true})"), 400, "M_INVALID_PARAM");
}

class Receipts : public RoomSuite<Receipts> {
 protected:
  static HttpResult receipt(const User& u, const std::string& room, const std::string& type,
                            const std::string& event_id, const std::string& body = "{}") {
    return s().post(kV3 + "/rooms/" + enc(room) + "/receipt/" + type + "/" + enc(event_id), body, u.token);
  }
  static int unread(const User& u, const std::string& room) {
    const auto doc = sync(u);
    return doc["rooms"]["join"][room.c_str()]["unread_notifications"]["notification_count"].GetInt();
  }
  // users with a receipt of `type` on `event_id` in a sync response's m.receipt.
  static std::set<std::string> receiptUsers(const json::Document& doc, const std::string& room,
                                            const std::string& event_id, const char* type) {
    std::set<std::string> out;
    const auto* r = ephemeral(doc, room, "m.receipt");
    if (r && (*r)["content"].HasMember(event_id.c_str()) && (*r)["content"][event_id.c_str()].HasMember(type)) {
      for (const auto& m : (*r)["content"][event_id.c_str()][type].GetObject()) {
        out.insert(m.name.GetString());
        EXPECT_TRUE(m.value["ts"].IsInt64());
      }
    }
    return out;
  }
};

TEST_F(Receipts, PublicReceiptsAreSeenByOthers) {
  const User a = newUser("rcp");
  const User b = newUser("rcpb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string id = send(a, room, "read me");
  const std::string since = str(sync(a), "next_batch");
  const auto r = receipt(b, room, "m.read", id);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  const auto doc = sync(a, "since=" + enc(since));
  EXPECT_EQ(receiptUsers(doc, room, id, "m.read"), std::set<std::string>{b.id});
  EXPECT_EQ(receiptUsers(sync(a), room, id, "m.read"), std::set<std::string>{b.id});  // initial sync too
}

TEST_F(Receipts, PrivateReceiptsAreOnlyForTheirSender) {
  const User a = newUser("prv");
  const User b = newUser("prvb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string id = send(a, room, "quietly read");
  const std::string since_a = str(sync(a), "next_batch");
  const std::string since_b = str(sync(b), "next_batch");
  ASSERT_EQ(receipt(b, room, "m.read.private", id).status, 200);
  EXPECT_TRUE(receiptUsers(sync(a, "since=" + enc(since_a)), room, id, "m.read.private").empty());
  EXPECT_TRUE(receiptUsers(sync(a), room, id, "m.read.private").empty());
  EXPECT_EQ(receiptUsers(sync(b, "since=" + enc(since_b)), room, id, "m.read.private"),
            std::set<std::string>{b.id});
}

TEST_F(Receipts, ReceiptsLowerTheUnreadCount) {
  const User a = newUser("unr");
  const User b = newUser("unrb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_EQ(unread(b, room), 0);
  send(b, room, "b's own messages do not count");
  EXPECT_EQ(unread(a, room), 1);
  const std::string m1 = send(a, room, "1");
  const std::string m2 = send(a, room, "2");
  const std::string m3 = send(a, room, "3");
  EXPECT_EQ(unread(b, room), 3);
  EXPECT_EQ(unread(a, room), 0);  // sending counts as having read everything before it
  ASSERT_EQ(receipt(b, room, "m.read", m2).status, 200);
  EXPECT_EQ(unread(b, room), 1);
  ASSERT_EQ(receipt(b, room, "m.read.private", m3).status, 200);
  EXPECT_EQ(unread(b, room), 0);
  (void)m1;
}

TEST_F(Receipts, IncrementalSyncReportsTheNewCount) {
  const User a = newUser("unri");
  const User b = newUser("unrib");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  send(a, room, "1");
  const std::string last = send(a, room, "2");
  const auto before = sync(b);
  EXPECT_EQ(before["rooms"]["join"][room.c_str()]["unread_notifications"]["notification_count"].GetInt(), 2);
  ASSERT_EQ(receipt(b, room, "m.read", last).status, 200);
  const auto after = sync(b, "since=" + enc(str(before, "next_batch")));
  ASSERT_TRUE(after["rooms"]["join"].HasMember(room.c_str())) << "the count change is not reported";
  EXPECT_EQ(after["rooms"]["join"][room.c_str()]["unread_notifications"]["notification_count"].GetInt(), 0);
}

TEST_F(Receipts, APublicReceiptWakesOtherMembersLongPolls) {
  const User a = newUser("rlp");
  const User b = newUser("rlpb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string id = send(b, room, "x");
  const std::string since = str(sync(b), "next_batch");
  const std::string token = b.token;
  auto pending = std::async(std::launch::async, [&] {
    const auto start = std::chrono::steady_clock::now();
    auto r = s().get(kV3 + "/sync?timeout=10000&since=" + enc(since), token);
    return std::make_pair(r, std::chrono::steady_clock::now() - start);
  });
  std::this_thread::sleep_for(milliseconds(200));
  ASSERT_EQ(receipt(a, room, "m.read", id).status, 200);
  const auto [r, elapsed] = pending.get();
  EXPECT_LT(std::chrono::duration_cast<milliseconds>(elapsed).count(), 5000);
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(receiptUsers(r.json(), room, id, "m.read"), std::set<std::string>{a.id});
}

TEST_F(Receipts, ReadMarkersSetFullyReadAndReceipts) {
  const User a = newUser("rm");
  const User b = newUser("rmb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string m1 = send(a, room, "1");
  const std::string m2 = send(a, room, "2");
  const std::string since = str(sync(a), "next_batch");
  const auto r = s().post(kV3 + "/rooms/" + enc(room) + "/read_markers",
                          R"({"m.fully_read":")" + m1 + R"(","m.read":")" + m2 + "\"}", b.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(receiptUsers(sync(a, "since=" + enc(since)), room, m2, "m.read"), std::set<std::string>{b.id});
  EXPECT_EQ(unread(b, room), 0);
  // The fully-read marker is room account data, returned by /sync and the account data API.
  const auto doc = sync(b);
  const auto* marker = findEvent(doc["rooms"]["join"][room.c_str()]["account_data"]["events"], "m.fully_read");
  ASSERT_NE(marker, nullptr);
  EXPECT_EQ(str((*marker)["content"], "event_id"), m1);
  const std::string ad = kV3 + "/user/" + enc(b.id) + "/rooms/" + enc(room) + "/account_data/m.fully_read";
  EXPECT_EQ(str(s().get(ad, b.token).json(), "event_id"), m1);
  // The receipt endpoint sets the same marker.
  ASSERT_EQ(receipt(b, room, "m.fully_read", m2).status, 200);
  EXPECT_EQ(str(s().get(ad, b.token).json(), "event_id"), m2);
}

TEST_F(Receipts, ThreadIdIsKept) {
  const User a = newUser("thr");
  const std::string room = createRoom(a);
  const std::string id = send(a, room, "x");
  ASSERT_EQ(receipt(a, room, "m.read", id, R"({"thread_id":"main"})").status, 200);
  const auto doc = sync(a);
  const auto* r = ephemeral(doc, room, "m.receipt");
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(str((*r)["content"][id.c_str()]["m.read"][a.id.c_str()], "thread_id"), "main");
}

TEST_F(Receipts, Errors) {
  const User a = newUser("rerr");
  const User outsider = newUser("rerrout");
  const std::string room = createRoom(a);
  const std::string other = createRoom(a);
  const std::string id = send(a, room, "x");
  const std::string elsewhere = send(a, other, "y");
  EXPECT_MATRIX_ERROR(receipt(a, room, "m.unknown", id), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(receipt(a, room, "m.read", "$nope"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(receipt(a, room, "m.read", elsewhere), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(receipt(outsider, room, "m.read", id), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(receipt(a, room, "m.read", id, "nope"), 400, "M_NOT_JSON");
  EXPECT_MATRIX_ERROR(receipt(a, room, "m.read", id, R"({"thread_id":1})"), 400, "M_BAD_JSON");
  EXPECT_EQ(receipt(a, room, "m.read", id, "").status, 200);  // the body is optional
  const std::string markers = kV3 + "/rooms/" + enc(room) + "/read_markers";
  EXPECT_MATRIX_ERROR(s().post(markers, R"({"m.read":5})", a.token), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(markers, R"({"m.fully_read":"$nope"})", a.token), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(s().post(markers, R"({"m.read":")" + id + "\"}", outsider.token), 403, "M_FORBIDDEN");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
