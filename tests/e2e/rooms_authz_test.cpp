// Authorization of every endpoint that takes a room id: outsiders, invitees, former and
// banned members; and malformed room ids and tokens on each.
#include <gtest/gtest.h>

#include <functional>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomAuthz : public RoomSuite<RoomAuthz> {
 protected:
  struct Call {
    const char* name;
    std::function<HttpResult(const std::string& room, const std::string& token)> run;
  };
  // Every room-scoped endpoint, called on `room` about `event_id` (and a `target` user).
  static std::vector<Call> calls(const std::string& event_id, const std::string& target) {
    const auto path = [](const std::string& room, const std::string& rest) {
      return kV3 + "/rooms/" + enc(room) + rest;
    };
    const std::string ev = enc(event_id);
    const std::string user_body = R"({"user_id":")" + target + "\"}";
    auto get = [path](std::string rest) {
      return [path, rest](const std::string& room, const std::string& t) { return s().get(path(room, rest), t); };
    };
    auto put = [path](std::string rest, std::string body) {
      return [path, rest, body](const std::string& room, const std::string& t) {
        return s().put(path(room, rest), body, t);
      };
    };
    auto post = [path](std::string rest, std::string body) {
      return [path, rest, body](const std::string& room, const std::string& t) {
        return s().post(path(room, rest), body, t);
      };
    };
    return {
        {"state", get("/state")},
        {"state/type", get("/state/m.room.create/")},
        {"members", get("/members")},
        {"joined_members", get("/joined_members")},
        {"messages", get("/messages?dir=b")},
        {"context", get("/context/" + ev)},
        {"event", get("/event/" + ev)},
        {"aliases", get("/aliases")},
        {"relations",
         [ev](const std::string& room, const std::string& t) {
           return s().get("/_matrix/client/v1/rooms/" + enc(room) + "/relations/" + ev, t);
         }},
        {"put state", put("/state/m.room.topic/", R"({"topic":"x"})")},
        {"send", [path](const std::string& room, const std::string& t) {
           return s().put(path(room, "/send/m.room.message/" + txn()), R"({"msgtype":"m.text","body":"x"})", t);
         }},
        {"redact", [path, ev](const std::string& room, const std::string& t) {
           return s().put(path(room, "/redact/" + ev + "/" + txn()), "{}", t);
         }},
        {"invite", post("/invite", user_body)},
        {"kick", post("/kick", user_body)},
        {"ban", post("/ban", user_body)},
        {"typing", [path](const std::string& room, const std::string& t) {
           const auto who = s().get(kV3 + "/account/whoami", t);
           const std::string me = who.status == 200 ? str(who.json(), "user_id") : "@x:localhost";
           return s().put(path(room, "/typing/" + enc(me)), R"({"typing":true,"timeout":1000})", t);
         }},
        {"receipt", post("/receipt/m.read/" + ev, "{}")},
        {"fully_read receipt", post("/receipt/m.fully_read/" + ev, "{}")},
        {"read_markers", post("/read_markers", R"({"m.fully_read":")" + event_id + R"(","m.read":")" +
                                                  event_id + "\"}")},
        {"read_markers fully_read only", post("/read_markers", R"({"m.fully_read":")" + event_id + "\"}")},
    };
  }
  static void expectDenied(const std::vector<Call>& list, const std::string& room, const User& who,
                           const std::set<std::string>& allowed = {}) {
    for (const auto& c : list) {
      if (allowed.count(c.name)) {
        continue;
      }
      const auto r = c.run(room, who.token);
      // /event hides the event's existence instead: 404, as the spec says.
      if (std::string(c.name) == "event") {
        EXPECT_EQ(r.status, 404) << r.body;
        EXPECT_EQ(errcodeOf(r), "M_NOT_FOUND");
        continue;
      }
      EXPECT_EQ(r.status, 403) << c.name << ": " << r.body;
      EXPECT_EQ(errcodeOf(r), "M_FORBIDDEN") << c.name;
    }
  }
};

TEST_F(RoomAuthz, OutsidersAreDeniedEverywhere) {
  const User a = newUser("owner");
  const User b = newUser("ownerb");
  const User outsider = newUser("outsider");
  const std::string room = createRoom(a);
  ASSERT_EQ(invite(a, room, b.id).status, 200);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string id = send(a, room, "private");
  expectDenied(calls(id, b.id), room, outsider);
  EXPECT_MATRIX_ERROR(join(outsider, room), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(leave(outsider, room), 403, "M_FORBIDDEN");
  // Nothing the outsider tried changed the room.
  EXPECT_EQ(s().get(kV3 + "/rooms/" + enc(room) + "/state/m.room.topic/", a.token).status, 404);
  EXPECT_EQ(str(getState(a, room, "m.room.member", b.id).json(), "membership"), "join");
}

TEST_F(RoomAuthz, InviteesCannotReadOrSendYet) {
  const User a = newUser("inv");
  const User b = newUser("invb");
  const std::string room = createRoom(a);
  const std::string id = send(a, room, "before the invitee joins");
  ASSERT_EQ(invite(a, room, b.id).status, 200);
  expectDenied(calls(id, a.id), room, b);
}

TEST_F(RoomAuthz, FormerAndBannedMembersCannotWrite) {
  const User a = newUser("fmr");
  const User left = newUser("fmrleft");
  const User banned = newUser("fmrban");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(left, room).status, 200);
  ASSERT_EQ(join(banned, room).status, 200);
  const std::string id = send(a, room, "seen by both");
  ASSERT_EQ(leave(left, room).status, 200);
  ASSERT_EQ(s().post(kV3 + "/rooms/" + enc(room) + "/ban", R"({"user_id":")" + banned.id + "\"}", a.token).status,
            200);
  // Reading what they saw is fine; writing anything is not.
  // The fully-read marker is the user's own account data: allowed on events they saw.
  // joined_members needs the user in the room now (the spec), unlike the history reads.
  const std::set<std::string> reads = {"state",   "state/type", "members",   "messages",
                                       "context", "event",      "aliases",   "relations",
                                       "fully_read receipt", "read_markers fully_read only"};
  expectDenied(calls(id, a.id), room, left, reads);
  expectDenied(calls(id, a.id), room, banned, reads);
  EXPECT_EQ(roomGet(left, room, "/event/" + enc(id)).status, 200);
}

TEST_F(RoomAuthz, EventsTheUserMayNotSeeAreNotFound) {
  const User a = newUser("evhide");
  const User b = newUser("evhideb");
  const User c = newUser("evhidec");
  const std::string room = publicRoom(a);
  ASSERT_EQ(putState(a, room, "m.room.history_visibility", "", R"({"history_visibility":"joined"})").status, 200);
  const std::string before = send(a, room, "before b joined");
  ASSERT_EQ(join(b, room).status, 200);
  const std::string seen = send(a, room, "while b is here");
  ASSERT_EQ(join(c, room).status, 200);
  ASSERT_EQ(leave(c, room).status, 200);
  const std::string after = send(a, room, "after c left");
  EXPECT_EQ(roomGet(b, room, "/event/" + enc(seen)).status, 200);
  EXPECT_MATRIX_ERROR(roomGet(b, room, "/event/" + enc(before)), 404, "M_NOT_FOUND");  // before b's join
  EXPECT_MATRIX_ERROR(roomGet(c, room, "/event/" + enc(after)), 404, "M_NOT_FOUND");   // after c left
  // An event of another room named under this one.
  const std::string elsewhere = send(a, createRoom(a), "elsewhere");
  EXPECT_MATRIX_ERROR(roomGet(b, room, "/event/" + enc(elsewhere)), 404, "M_NOT_FOUND");
}

TEST_F(RoomAuthz, MalformedRoomIdsAreInvalidParam) {
  const User a = newUser("malf");
  const std::string id = send(a, createRoom(a), "x");
  for (const std::string bad : {"room", "!", "!nocolon", "#alias:localhost", "!a:", "!a:bad server"}) {
    for (const auto& c : calls(id, a.id)) {
      const auto r = c.run(bad, a.token);
      EXPECT_EQ(r.status, 400) << c.name << " " << bad << ": " << r.body;
      EXPECT_EQ(errcodeOf(r), "M_INVALID_PARAM") << c.name << " " << bad;
    }
  }
}

TEST_F(RoomAuthz, UnknownRoomsAreNotFoundOrForbiddenNeverServerErrors) {
  const User a = newUser("unk");
  const std::string id = send(a, createRoom(a), "x");
  for (const auto& c : calls(id, a.id)) {
    const auto r = c.run("!doesnotexist:localhost", a.token);
    EXPECT_TRUE(r.status == 404 || r.status == 403) << c.name << ": " << r.status << " " << r.body;
    EXPECT_TRUE(errcodeOf(r) == "M_NOT_FOUND" || errcodeOf(r) == "M_FORBIDDEN") << c.name;
  }
}

TEST_F(RoomAuthz, MissingAndBadTokensAreRefused) {
  const User a = newUser("tok");
  const std::string room = createRoom(a);
  const std::string id = send(a, room, "x");
  for (const auto& c : calls(id, a.id)) {
    EXPECT_MATRIX_ERROR(c.run(room, ""), 401, "M_MISSING_TOKEN");
    EXPECT_MATRIX_ERROR(c.run(room, "syt_bogus_token"), 401, "M_UNKNOWN_TOKEN");
  }
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/joined_rooms"), 401, "M_MISSING_TOKEN");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/sync", "bogus"), 401, "M_UNKNOWN_TOKEN");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/join/" + enc(room), "{}", "bogus"), 401, "M_UNKNOWN_TOKEN");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
