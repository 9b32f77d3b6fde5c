// Room state over real HTTP: GET /state, GET and PUT /state/{type}/{key}, power levels.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomState : public RoomSuite<RoomState> {
 protected:
  static HttpResult setPower(const User& by, const std::string& room, const std::string& user_id, int level) {
    auto pl = getState(by, room, "m.room.power_levels").json();
    auto& a = pl.GetAllocator();
    pl["users"].RemoveMember(user_id.c_str());
    pl["users"].AddMember(json::Value(user_id.c_str(), a), json::Value(level), a);
    return putState(by, room, "m.room.power_levels", "", json::toString(pl));
  }
};

TEST_F(RoomState, FullStateIsAnArrayOfClientEvents) {
  const User a = newUser("full");
  const std::string room = createRoom(a, R"({"name":"Full"})");
  const auto r = roomGet(a, room, "/state");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  ASSERT_TRUE(doc.IsArray());
  for (const char* type : {"m.room.create", "m.room.power_levels", "m.room.join_rules",
                           "m.room.history_visibility", "m.room.guest_access", "m.room.name"}) {
    const auto* e = findEvent(doc, type, "");
    ASSERT_NE(e, nullptr) << type;
    EXPECT_EQ(str(*e, "room_id"), room);
    EXPECT_EQ(str(*e, "sender"), a.id);
    EXPECT_FALSE(str(*e, "event_id").empty());
    EXPECT_TRUE((*e)["content"].IsObject());
  }
  EXPECT_NE(findEvent(doc, "m.room.member", a.id), nullptr);
  // One entry per (type, state_key).
  std::set<std::string> keys;
  for (const auto& e : doc.GetArray()) {
    EXPECT_TRUE(keys.insert(str(e, "type") + "|" + str(e, "state_key")).second) << str(e, "type");
  }
}

TEST_F(RoomState, OneStateEventAsContentOrEvent) {
  const User a = newUser("one");
  const std::string room = createRoom(a, R"({"topic":"t1"})");
  const auto content = getState(a, room, "m.room.topic");
  ASSERT_EQ(content.status, 200) << content.body;
  EXPECT_EQ(str(content.json(), "topic"), "t1");
  EXPECT_FALSE(content.json().HasMember("event_id"));
  const auto event = getState(a, room, "m.room.topic", "", "?format=event");
  ASSERT_EQ(event.status, 200) << event.body;
  const auto doc = event.json();
  EXPECT_EQ(str(doc, "type"), "m.room.topic");
  EXPECT_EQ(str(doc, "state_key"), "");
  EXPECT_EQ(str(doc["content"], "topic"), "t1");
  EXPECT_FALSE(str(doc, "event_id").empty());
  EXPECT_EQ(getState(a, room, "m.room.topic", "", "?format=content").body, content.body);
  // Without a trailing slash the state key is empty too.
  const auto no_slash = s().get(kV3 + "/rooms/" + enc(room) + "/state/m.room.topic", a.token);
  EXPECT_EQ(no_slash.body, content.body);
  const auto member = getState(a, room, "m.room.member", a.id);
  EXPECT_EQ(str(member.json(), "membership"), "join");
  EXPECT_MATRIX_ERROR(getState(a, room, "m.room.avatar"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(getState(a, room, "m.room.member", "@nobody:localhost"), 404, "M_NOT_FOUND");
}

TEST_F(RoomState, PutStateNeedsPower) {
  const User a = newUser("put");
  const User b = newUser("putb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_MATRIX_ERROR(putState(b, room, "m.room.name", "", R"({"name":"by b"})"), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(putState(b, room, "org.example.state", "", R"({"x":1})"), 403, "M_FORBIDDEN");
  const auto r = putState(a, room, "m.room.name", "", R"({"name":"by a"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json(), "event_id").rfind("$", 0), 0u);
  EXPECT_EQ(str(getState(b, room, "m.room.name").json(), "name"), "by a");
  // Custom state with a state key; and with the empty key given without a trailing slash.
  ASSERT_EQ(putState(a, room, "org.example.state", "key1", R"({"v":1})").status, 200);
  EXPECT_EQ(getState(b, room, "org.example.state", "key1").json()["v"].GetInt(), 1);
  ASSERT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/state/org.example.state", R"({"v":2})", a.token).status, 200);
  EXPECT_EQ(getState(b, room, "org.example.state", "").json()["v"].GetInt(), 2);
  EXPECT_EQ(getState(b, room, "org.example.state", "key1").json()["v"].GetInt(), 1);
}

TEST_F(RoomState, PowerLevelChangesFollowTheAuthRules) {
  const User admin = newUser("pla");
  const User b = newUser("plb");
  const std::string room = publicRoom(admin);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(setPower(admin, room, b.id, 50).status, 200);
  EXPECT_EQ(getState(b, room, "m.room.power_levels").json()["users"][b.id.c_str()].GetInt(), 50);
  // b may now change the name, but cannot raise itself above its own level, nor demote the admin.
  EXPECT_EQ(putState(b, room, "m.room.name", "", R"({"name":"mod"})").status, 200);
  EXPECT_MATRIX_ERROR(setPower(b, room, b.id, 100), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(setPower(b, room, admin.id, 0), 403, "M_FORBIDDEN");
  // m.room.power_levels itself needs 100 in the default levels.
  EXPECT_MATRIX_ERROR(setPower(b, room, b.id, 40), 403, "M_FORBIDDEN");
  ASSERT_EQ(setPower(admin, room, b.id, 0).status, 200);
  EXPECT_MATRIX_ERROR(putState(b, room, "m.room.name", "", R"({"name":"again"})"), 403, "M_FORBIDDEN");
}

TEST_F(RoomState, UserOwnedStateKeys) {
  const User admin = newUser("own");
  const User b = newUser("ownb");
  const std::string room = createRoom(admin, R"({"preset":"public_chat",
      "power_level_content_override":{"state_default":0}})");
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_EQ(putState(b, room, "org.example.profile", b.id, R"({"x":1})").status, 200);
  EXPECT_MATRIX_ERROR(putState(b, room, "org.example.profile", admin.id, R"({"x":1})"), 403, "M_FORBIDDEN");
}

TEST_F(RoomState, FormerMembersSeeNoLaterState) {
  const User a = newUser("former");
  const User b = newUser("formerb");
  const std::string room = createRoom(a, R"({"preset":"public_chat","topic":"before"})");
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(leave(b, room).status, 200);
  const auto later = putState(a, room, "org.example.later", "", R"({"x":1})");
  ASSERT_EQ(later.status, 200);
  ASSERT_EQ(putState(a, room, "m.room.topic", "", R"({"topic":"after"})").status, 200);
  const auto r = roomGet(b, room, "/state");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto ids = eventIds(r.json());
  EXPECT_EQ(std::count(ids.begin(), ids.end(), str(later.json(), "event_id")), 0);
  EXPECT_EQ(getState(b, room, "org.example.later").status, 404);
  // The state as it was when b left: the old topic, b's own leave.
  EXPECT_EQ(str(getState(b, room, "m.room.topic").json(), "topic"), "before");
  const auto* topic = findEvent(r.json(), "m.room.topic", "");
  ASSERT_NE(topic, nullptr);
  EXPECT_EQ(str((*topic)["content"], "topic"), "before");
  EXPECT_EQ(str(getState(b, room, "m.room.member", b.id).json(), "membership"), "leave");
  EXPECT_NE(findEvent(r.json(), "m.room.create", ""), nullptr);
  // Current members still see today's state.
  EXPECT_EQ(str(getState(a, room, "m.room.topic").json(), "topic"), "after");
}

TEST_F(RoomState, StateAtLeaveSurvivesLongStateChains) {
  // State groups are layered deltas cut every 100 layers: resolving the state at an old
  // position must walk the layers and still find every key.
  const User a = newUser("chain");
  const User b = newUser("chainb");
  const std::string room = createRoom(a, R"({"preset":"public_chat","name":"n0"})");
  ASSERT_EQ(join(b, room).status, 200);
  for (int i = 1; i <= 100; ++i) {
    ASSERT_EQ(putState(a, room, "org.example.counter", "", "{\"i\":" + std::to_string(i) + "}").status, 200);
  }
  ASSERT_EQ(leave(b, room).status, 200);
  ASSERT_EQ(putState(a, room, "m.room.name", "", R"({"name":"n1"})").status, 200);
  ASSERT_EQ(putState(a, room, "org.example.counter", "", R"({"i":999})").status, 200);
  const auto state = roomGet(b, room, "/state").json();
  EXPECT_EQ(str((*findEvent(state, "m.room.name", ""))["content"], "name"), "n0");
  EXPECT_EQ((*findEvent(state, "org.example.counter", ""))["content"]["i"].GetInt(), 100);
  EXPECT_NE(findEvent(state, "m.room.create", ""), nullptr);
  EXPECT_NE(findEvent(state, "m.room.member", a.id), nullptr);
  EXPECT_EQ(str((*findEvent(state, "m.room.member", b.id))["content"], "membership"), "leave");
  const auto current = roomGet(a, room, "/state").json();
  EXPECT_EQ(state.Size(), current.Size());
}

TEST_F(RoomState, SettingTheSameContentAgainCreatesNothing) {
  const User a = newUser("idem");
  const User b = newUser("idemb");
  const std::string room = createRoom(a, R"({"preset":"public_chat","power_level_content_override":{"state_default":0}})");
  ASSERT_EQ(join(b, room).status, 200);
  const auto first = putState(a, room, "m.room.topic", "", R"({"topic":"same","x":{"a":1,"b":2}})");
  ASSERT_EQ(first.status, 200) << first.body;
  const std::string since = str(sync(a), "next_batch");
  // The same content (another key order) answers the existing event id.
  const auto again = putState(a, room, "m.room.topic", "", R"({"x":{"b":2,"a":1},"topic":"same"})");
  ASSERT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(str(again.json(), "event_id"), str(first.json(), "event_id"));
  const auto quiet = sync(a, "since=" + enc(since));
  EXPECT_FALSE(quiet["rooms"]["join"].HasMember(room.c_str())) << json::toString(quiet);
  // Another sender, or other content, is a new event.
  const auto by_b = putState(b, room, "org.example.open", "", R"({"v":1})");
  ASSERT_EQ(by_b.status, 200) << by_b.body;
  const auto by_a = putState(a, room, "org.example.open", "", R"({"v":1})");
  ASSERT_EQ(by_a.status, 200) << by_a.body;
  EXPECT_NE(str(by_a.json(), "event_id"), str(by_b.json(), "event_id"));
  const auto changed = putState(a, room, "m.room.topic", "", R"({"topic":"other"})");
  EXPECT_NE(str(changed.json(), "event_id"), str(first.json(), "event_id"));
}

TEST_F(RoomState, BadInput) {
  const User a = newUser("stbad");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(putState(a, room, "m.room.name", "", "[]"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(putState(a, room, "m.room.name", "", "{oops"), 400, "M_NOT_JSON");
  EXPECT_MATRIX_ERROR(putState(a, room, "m.room.name", "", ""), 400, "M_NOT_JSON");
  EXPECT_MATRIX_ERROR(putState(a, "!nope:localhost", "m.room.name", "", "{}"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(putState(a, "nope", "m.room.name", "", "{}"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(getState(a, "!x", "m.room.name"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(roomGet(a, "!nope:localhost", "/state"), 404, "M_NOT_FOUND");
  // A power levels event with a string level is refused, not stored.
  EXPECT_EQ(putState(a, room, "m.room.power_levels", "", R"({"users":{"@x:localhost":"100"}})").status, 403);
  EXPECT_EQ(getState(a, room, "m.room.power_levels").json()["users"].MemberCount(), 1u);
}

}  // namespace
}  // namespace hs::test::rooms_e2e
