// Sending (idempotent transactions, transaction_id echo), /messages pagination, /context,
// /event and history visibility, over real HTTP.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomMessages : public RoomSuite<RoomMessages> {
 protected:
  static std::string login(const User& u, const std::string& device) {
    const std::string local = u.id.substr(1, u.id.find(':') - 1);
    const auto r = s().post(kV3 + "/login", R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")" +
                                                local + R"("},"password":"password123","device_id":")" + device + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "access_token");
  }
  // Every event of a room by paging /messages in `dir` with `limit`, checking the tokens.
  static std::vector<std::string> pageAll(const User& u, const std::string& room, const char* dir,
                                          int limit, int* pages = nullptr) {
    std::vector<std::string> out;
    std::string from;
    for (int i = 0; i < 100; ++i) {
      const std::string query = std::string("dir=") + dir + "&limit=" + std::to_string(limit) +
                                (from.empty() ? "" : "&from=" + enc(from));
      const auto r = messages(u, room, query);
      EXPECT_EQ(r.status, 200) << r.body;
      const auto doc = r.json();
      EXPECT_TRUE(doc["start"].IsString());
      if (!from.empty()) {
        EXPECT_EQ(str(doc, "start"), from);  // start echoes from
      }
      EXPECT_LE(doc["chunk"].Size(), static_cast<unsigned>(limit));
      for (const auto& id : eventIds(doc["chunk"])) {
        out.push_back(id);
      }
      if (pages) {
        *pages = i + 1;
      }
      if (!doc.HasMember("end")) {
        return out;
      }
      from = str(doc, "end");
    }
    ADD_FAILURE() << "pagination did not end";
    return out;
  }
};

TEST_F(RoomMessages, SendIsIdempotentPerTransaction) {
  const User a = newUser("idem", "DEV1");
  const std::string room = createRoom(a);
  const std::string body = R"({"msgtype":"m.text","body":"once"})";
  const auto first = sendEvent(a, room, "m.room.message", body, "same-txn");
  ASSERT_EQ(first.status, 200) << first.body;
  const auto retry = sendEvent(a, room, "m.room.message", body, "same-txn");
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(str(retry.json(), "event_id"), str(first.json(), "event_id"));
  // Only one event was created.
  const auto doc = messages(a, room, "dir=b&limit=3").json();
  EXPECT_EQ(str(doc["chunk"][0], "event_id"), str(first.json(), "event_id"));
  EXPECT_NE(str(doc["chunk"][1], "type"), "m.room.message");
  // Another device of the same user has its own transaction ids.
  const User a2{a.id, login(a, "DEV2")};
  const auto other_device = sendEvent(a2, room, "m.room.message", body, "same-txn");
  ASSERT_EQ(other_device.status, 200);
  EXPECT_NE(str(other_device.json(), "event_id"), str(first.json(), "event_id"));
}

TEST_F(RoomMessages, TransactionIdsAreScopedToTheEndpoint) {
  // The spec scopes a transaction id to (device, HTTP endpoint): another room's path or the
  // /redact endpoint with the same txn id is a different request.
  const User a = newUser("scope");
  const std::string r1 = createRoom(a);
  const std::string r2 = createRoom(a);
  const auto in_r1 = sendEvent(a, r1, "m.room.message", R"({"msgtype":"m.text","body":"1"})", "t1");
  const auto in_r2 = sendEvent(a, r2, "m.room.message", R"({"msgtype":"m.text","body":"2"})", "t1");
  ASSERT_EQ(in_r1.status, 200);
  ASSERT_EQ(in_r2.status, 200);
  EXPECT_NE(str(in_r2.json(), "event_id"), str(in_r1.json(), "event_id"));
  const auto ev = roomGet(a, r2, "/event/" + enc(str(in_r2.json(), "event_id")));
  EXPECT_EQ(ev.status, 200) << ev.body;
  const auto redact = s().put(kV3 + "/rooms/" + enc(r1) + "/redact/" + enc(str(in_r1.json(), "event_id")) + "/t1",
                              "{}", a.token);
  ASSERT_EQ(redact.status, 200) << redact.body;
  EXPECT_NE(str(redact.json(), "event_id"), str(in_r1.json(), "event_id"));
  const auto redacted = roomGet(a, r1, "/event/" + enc(str(in_r1.json(), "event_id"))).json();
  EXPECT_EQ(redacted["content"].MemberCount(), 0u);
}

TEST_F(RoomMessages, TransactionIdIsEchoedOnlyToTheSendingDevice) {
  const User a = newUser("echo", "PHONE");
  const User a_laptop{a.id, login(a, "LAPTOP")};
  const User b = newUser("echob");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(sendEvent(a, room, "m.room.message", R"({"msgtype":"m.text","body":"hi"})", "echo-1").status, 200);
  auto txnOf = [&](const User& viewer) {
    const auto doc = messages(viewer, room, "dir=b&limit=1").json();
    const auto& u = doc["chunk"][0]["unsigned"];
    return u.HasMember("transaction_id") ? std::string(u["transaction_id"].GetString()) : "(none)";
  };
  EXPECT_EQ(txnOf(a), "echo-1");
  EXPECT_EQ(txnOf(a_laptop), "(none)");
  EXPECT_EQ(txnOf(b), "(none)");
}

TEST_F(RoomMessages, BackwardsAndForwardsPaginationHaveNoGapsOrDuplicates) {
  const User a = newUser("pager");
  const std::string room = createRoom(a);
  std::vector<std::string> sent;
  for (int i = 0; i < 23; ++i) {
    sent.push_back(send(a, room, "m" + std::to_string(i)));
  }
  int pages = 0;
  const auto backwards = pageAll(a, room, "b", 5, &pages);
  EXPECT_GE(pages, 6);
  std::set<std::string> unique(backwards.begin(), backwards.end());
  EXPECT_EQ(unique.size(), backwards.size()) << "duplicates";
  ASSERT_GE(backwards.size(), sent.size());
  for (size_t i = 0; i < sent.size(); ++i) {
    EXPECT_EQ(backwards[i], sent[sent.size() - 1 - i]) << i;  // newest first, no gaps
  }
  const auto forwards = pageAll(a, room, "f", 4);
  std::vector<std::string> reversed(backwards.rbegin(), backwards.rend());
  EXPECT_EQ(forwards, reversed);
  // The first event of the room is its m.room.create.
  const auto first = messages(a, room, "dir=f&limit=1").json();
  EXPECT_EQ(str(first["chunk"][0], "type"), "m.room.create");
}

TEST_F(RoomMessages, ToTokenStopsPagination) {
  const User a = newUser("toker");
  const std::string room = createRoom(a);
  for (int i = 0; i < 8; ++i) {
    send(a, room, "x" + std::to_string(i));
  }
  const auto page1 = messages(a, room, "dir=b&limit=3").json();
  ASSERT_TRUE(page1.HasMember("end"));
  const std::string start = str(page1, "start");
  const std::string end = str(page1, "end");
  // Forwards from `end` to `start` returns exactly the first page, oldest first.
  const auto again = messages(a, room, "dir=f&limit=50&from=" + enc(end) + "&to=" + enc(start)).json();
  auto ids = eventIds(page1["chunk"]);
  std::reverse(ids.begin(), ids.end());
  EXPECT_EQ(eventIds(again["chunk"]), ids);
  // Backwards from `start` to `end` too, newest first.
  const auto back = messages(a, room, "dir=b&limit=50&from=" + enc(start) + "&to=" + enc(end)).json();
  EXPECT_EQ(eventIds(back["chunk"]), eventIds(page1["chunk"]));
  EXPECT_FALSE(back.HasMember("end"));
}

TEST_F(RoomMessages, ContextAroundAnEvent) {
  const User a = newUser("ctx");
  const std::string room = createRoom(a);
  std::vector<std::string> ids;
  for (int i = 0; i < 9; ++i) {
    ids.push_back(send(a, room, "c" + std::to_string(i)));
  }
  const auto r = roomGet(a, room, "/context/" + enc(ids[4]) + "?limit=4");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(str(doc["event"], "event_id"), ids[4]);
  EXPECT_EQ(eventIds(doc["events_before"]), (std::vector<std::string>{ids[3], ids[2]}));
  EXPECT_EQ(eventIds(doc["events_after"]), (std::vector<std::string>{ids[5], ids[6]}));
  EXPECT_NE(findEvent(doc["state"], "m.room.create"), nullptr);
  // start/end continue with /messages without overlap.
  const auto before = messages(a, room, "dir=b&limit=2&from=" + enc(str(doc, "start"))).json();
  EXPECT_EQ(eventIds(before["chunk"]), (std::vector<std::string>{ids[1], ids[0]}));
  const auto after = messages(a, room, "dir=f&limit=2&from=" + enc(str(doc, "end"))).json();
  EXPECT_EQ(eventIds(after["chunk"]), (std::vector<std::string>{ids[7], ids[8]}));
}

TEST_F(RoomMessages, GetEventAndItsErrors) {
  const User a = newUser("getev");
  const User outsider = newUser("getevout");
  const std::string room = createRoom(a);
  const std::string other_room = createRoom(a);
  const std::string id = send(a, room, "find me");
  const auto r = roomGet(a, room, "/event/" + enc(id));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(str(doc, "event_id"), id);
  EXPECT_EQ(str(doc, "room_id"), room);
  EXPECT_EQ(str(doc, "sender"), a.id);
  EXPECT_EQ(str(doc["content"], "body"), "find me");
  EXPECT_TRUE(doc["origin_server_ts"].IsInt64());
  EXPECT_TRUE(doc["unsigned"]["age"].IsInt64());
  EXPECT_FALSE(doc.HasMember("auth_events") || doc.HasMember("hashes") || doc.HasMember("signatures"));
  EXPECT_MATRIX_ERROR(roomGet(a, other_room, "/event/" + enc(id)), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(roomGet(a, room, "/event/" + enc("$nope")), 404, "M_NOT_FOUND");
  const auto denied = roomGet(outsider, room, "/event/" + enc(id));
  EXPECT_TRUE(denied.status == 403 || denied.status == 404) << denied.body;
  EXPECT_MATRIX_ERROR(roomGet(a, other_room, "/context/" + enc(id)), 404, "M_NOT_FOUND");
}

TEST_F(RoomMessages, LazyLoadedMembersOnMessages) {
  const User a = newUser("lazy");
  const User b = newUser("lazyb");
  const User c = newUser("lazyc");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(join(c, room).status, 200);
  send(b, room, "from b");
  const auto r = messages(a, room, "dir=b&limit=1&filter=" + enc(R"({"lazy_load_members":true})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  ASSERT_TRUE(doc.HasMember("state"));
  EXPECT_NE(findEvent(doc["state"], "m.room.member", b.id), nullptr);
  EXPECT_EQ(findEvent(doc["state"], "m.room.member", c.id), nullptr);
}

TEST_F(RoomMessages, HistoryVisibilityJoinedHidesEarlierEvents) {
  const User a = newUser("hvj");
  const User b = newUser("hvjb");
  const std::string room = createRoom(a, R"({"preset":"public_chat","initial_state":[
      {"type":"m.room.history_visibility","content":{"history_visibility":"joined"}}]})");
  const std::string secret = send(a, room, "before b");
  ASSERT_EQ(join(b, room).status, 200);
  const std::string later = send(a, room, "after b");
  const auto doc = messages(b, room, "dir=b&limit=50").json();
  const auto ids = eventIds(doc["chunk"]);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), secret), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), later), 1);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(secret)).status, 404);
}

TEST_F(RoomMessages, JoinedHistoryStartsAtTheJoinNotAtALaterProfileChangeAndOutlivesLeaving) {
  const User a = newUser("hvp");
  const User b = newUser("hvpb");
  const std::string room = createRoom(a, R"({"preset":"public_chat","initial_state":[
      {"type":"m.room.history_visibility","content":{"history_visibility":"joined"}}]})");
  const std::string secret = send(a, room, "before b");
  ASSERT_EQ(join(b, room).status, 200);
  const std::string seen = send(a, room, "while b is here");
  // A profile change is another join event: it must not cut b's history short.
  ASSERT_EQ(putState(b, room, "m.room.member", b.id, R"({"membership":"join","displayname":"Bee"})").status, 200);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(seen)).status, 200);
  ASSERT_EQ(leave(b, room).status, 200);
  const std::string after = send(a, room, "after b left");
  // A former member keeps what they saw while joined, and nothing before or after.
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(seen)).status, 200);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(secret)).status, 404);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(after)).status, 404);
  const auto ids = eventIds(messages(b, room, "dir=b&limit=50").json()["chunk"]);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), seen), 1);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), secret), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), after), 0);
}

TEST_F(RoomMessages, InvitedHistoryStartsAtTheInvite) {
  const User a = newUser("hvi");
  const User b = newUser("hvib");
  const std::string room = createRoom(a, R"({"preset":"private_chat","initial_state":[
      {"type":"m.room.history_visibility","content":{"history_visibility":"invited"}}]})");
  const std::string secret = send(a, room, "before the invite");
  ASSERT_EQ(invite(a, room, b.id).status, 200);
  const std::string pending = send(a, room, "while b is invited");
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(pending)).status, 200);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(secret)).status, 404);
}

TEST_F(RoomMessages, SharedHistoryIsVisibleToLaterJoinersAndLeaversSeeNothingNew) {
  const User a = newUser("hvs");
  const User b = newUser("hvsb");
  const std::string room = publicRoom(a);
  const std::string early = send(a, room, "early");
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(early)).status, 200);
  ASSERT_EQ(leave(b, room).status, 200);
  const std::string after_leave = send(a, room, "after leave");
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(early)).status, 200);
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(after_leave)).status, 404);
  const auto ids = eventIds(messages(b, room, "dir=b&limit=50").json()["chunk"]);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), after_leave), 0);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), early), 1);
}

TEST_F(RoomMessages, BadInput) {
  const User a = newUser("msgbad");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(messages(a, room, "dir=x"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(messages(a, room, "limit=abc"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(messages(a, room, "limit=99999999999999999999999"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(messages(a, room, "from=garbage"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(messages(a, room, "to=t-5"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(messages(a, room, "filter=notjson"), 400, "M_INVALID_PARAM");
  EXPECT_EQ(messages(a, room, "limit=0").status, 200);
  EXPECT_MATRIX_ERROR(roomGet(a, room, "/context/" + enc("$x") + "?limit=x"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.room.message", "[1]"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.room.message", "{bad"), 400, "M_NOT_JSON");
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.room.message", ""), 400, "M_NOT_JSON");
  const std::string big = R"({"body":")" + std::string(70000, 'x') + "\"}";
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.room.message", big), 413, "M_TOO_LARGE");
  EXPECT_MATRIX_ERROR(sendEvent(a, "!nope:localhost", "m.room.message", "{}"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(sendEvent(a, "nope", "m.room.message", "{}"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.room.message", "{}", std::string(300, 't')), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(messages(a, "!nope:localhost", ""), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(messages(a, "@user:localhost", ""), 400, "M_INVALID_PARAM");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
