// POST /createRoom over real HTTP: presets, the spec's event order, initial state, aliases,
// power level overrides, creation content, room versions and bad input.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomCreate : public RoomSuite<RoomCreate> {
 protected:
  // The room's whole history, oldest first.
  static json::Document history(const User& u, const std::string& room) {
    const auto r = messages(u, room, "dir=f&limit=100");
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static std::string stateContent(const User& u, const std::string& room, const std::string& type,
                                  const char* field, const std::string& key = "") {
    const auto r = getState(u, room, type, key);
    EXPECT_EQ(r.status, 200) << type << ": " << r.body;
    return str(r.json(), field);
  }
};

TEST_F(RoomCreate, EventsFollowTheSpecOrder) {
  const User a = newUser("order");
  const User b = newUser("orderinv");
  const std::string room = createRoom(a, R"({
    "name": "Order", "topic": "About order", "room_alias_name": "order-room",
    "invite": [")" + b.id + R"("],
    "initial_state": [{"type": "m.room.encryption", "state_key": "",
                       "content": {"algorithm": "m.megolm.v1.aes-sha2"}},
                      {"type": "org.example.custom", "state_key": "k", "content": {"x": 1}}]})");
  ASSERT_FALSE(room.empty());
  const auto doc = history(a, room);
  std::vector<std::string> types;
  for (const auto& e : doc["chunk"].GetArray()) {
    types.push_back(str(e, "type") + (e.HasMember("state_key") ? "/" + str(e, "state_key") : ""));
  }
  const std::vector<std::string> expected = {
      "m.room.create/",         "m.room.member/" + a.id,      "m.room.power_levels/",
      "m.room.canonical_alias/", "m.room.join_rules/",        "m.room.history_visibility/",
      "m.room.guest_access/",   "m.room.encryption/",         "org.example.custom/k",
      "m.room.name/",           "m.room.topic/",              "m.room.member/" + b.id};
  EXPECT_EQ(types, expected);
  EXPECT_EQ(stateContent(a, room, "m.room.name", "name"), "Order");
  EXPECT_EQ(stateContent(a, room, "m.room.topic", "topic"), "About order");
  EXPECT_EQ(stateContent(a, room, "m.room.canonical_alias", "alias"), "#order-room:localhost");
  EXPECT_EQ(stateContent(a, room, "m.room.member", "membership", b.id), "invite");
}

TEST_F(RoomCreate, DefaultIsPrivateChat) {
  const User a = newUser("priv");
  const std::string room = createRoom(a);
  EXPECT_EQ(stateContent(a, room, "m.room.join_rules", "join_rule"), "invite");
  EXPECT_EQ(stateContent(a, room, "m.room.history_visibility", "history_visibility"), "shared");
  EXPECT_EQ(stateContent(a, room, "m.room.guest_access", "guest_access"), "can_join");
  const auto create = getState(a, room, "m.room.create").json();
  EXPECT_EQ(str(create, "room_version"), "11");
  EXPECT_FALSE(create.HasMember("creator"));  // v11 takes the creator from the sender
  const auto me = getState(a, room, "m.room.member", a.id).json();
  EXPECT_EQ(str(me, "membership"), "join");
  EXPECT_EQ(str(me, "displayname"), a.id.substr(1, a.id.find(':') - 1));
  // Others cannot join an invite-only room.
  EXPECT_MATRIX_ERROR(join(newUser("privjoin"), room), 403, "M_FORBIDDEN");
}

TEST_F(RoomCreate, PublicChatPresetAndPublicVisibility) {
  const User a = newUser("pub");
  for (const char* body : {R"({"preset":"public_chat"})", R"({"visibility":"public"})"}) {
    const std::string room = createRoom(a, body);
    EXPECT_EQ(stateContent(a, room, "m.room.join_rules", "join_rule"), "public") << body;
    EXPECT_EQ(stateContent(a, room, "m.room.guest_access", "guest_access"), "forbidden") << body;
    EXPECT_EQ(join(newUser("pubjoin"), room).status, 200) << body;
  }
  // An explicit preset wins over visibility.
  const std::string room = createRoom(a, R"({"visibility":"public","preset":"private_chat"})");
  EXPECT_EQ(stateContent(a, room, "m.room.join_rules", "join_rule"), "invite");
}

TEST_F(RoomCreate, TrustedPrivateChatGivesInviteesCreatorPower) {
  const User a = newUser("trust");
  const User b = newUser("trustinv");
  const std::string room =
      createRoom(a, R"({"preset":"trusted_private_chat","invite":[")" + b.id + R"("]})");
  const auto pl = getState(a, room, "m.room.power_levels").json();
  EXPECT_EQ(pl["users"][a.id.c_str()].GetInt(), 100);
  EXPECT_EQ(pl["users"][b.id.c_str()].GetInt(), 100);
  EXPECT_EQ(stateContent(a, room, "m.room.join_rules", "join_rule"), "invite");
}

TEST_F(RoomCreate, IsDirectMarksTheInvite) {
  const User a = newUser("dm");
  const User b = newUser("dminv");
  const std::string room =
      createRoom(a, R"({"preset":"trusted_private_chat","is_direct":true,"invite":[")" + b.id + R"("]})");
  const auto member = getState(a, room, "m.room.member", b.id).json();
  EXPECT_EQ(str(member, "membership"), "invite");
  ASSERT_TRUE(member.HasMember("is_direct"));
  EXPECT_TRUE(member["is_direct"].GetBool());
  // Without is_direct there is no flag.
  const std::string other = createRoom(a, R"({"invite":[")" + b.id + R"("]})");
  EXPECT_FALSE(getState(a, other, "m.room.member", b.id).json().HasMember("is_direct"));
}

TEST_F(RoomCreate, PowerLevelContentOverrideIsApplied) {
  const User a = newUser("plo");
  const std::string room = createRoom(a, R"({"power_level_content_override":
      {"users_default": 10, "events": {"m.room.name": 100, "org.example": 5}}})");
  const auto pl = getState(a, room, "m.room.power_levels").json();
  EXPECT_EQ(pl["users_default"].GetInt(), 10);
  EXPECT_EQ(pl["events"]["m.room.name"].GetInt(), 100);
  EXPECT_EQ(pl["events"]["org.example"].GetInt(), 5);
  EXPECT_EQ(pl["users"][a.id.c_str()].GetInt(), 100);  // untouched keys keep their defaults
  EXPECT_EQ(pl["state_default"].GetInt(), 50);
}

TEST_F(RoomCreate, CreationContentIsMergedButCreatorAndVersionAreTheServers) {
  const User a = newUser("cc");
  const std::string room = createRoom(a, R"({"creation_content":
      {"m.federate": false, "type": "m.space", "room_version": "1", "creator": "@evil:example.org"}})");
  const auto create = getState(a, room, "m.room.create").json();
  EXPECT_FALSE(create["m.federate"].GetBool());
  EXPECT_EQ(str(create, "type"), "m.space");
  EXPECT_EQ(str(create, "room_version"), "11");
  EXPECT_FALSE(create.HasMember("creator"));
}

TEST_F(RoomCreate, RoomVersions) {
  const User a = newUser("ver");
  const std::string v10 = createRoom(a, R"({"room_version":"10"})");
  const auto create = getState(a, v10, "m.room.create").json();
  EXPECT_EQ(str(create, "room_version"), "10");
  EXPECT_EQ(str(create, "creator"), a.id);  // v10 still needs content.creator
  EXPECT_EQ(send(a, v10, "hello v10").empty(), false);
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", R"({"room_version":"9999"})", a.token), 400,
                      "M_UNSUPPORTED_ROOM_VERSION");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", R"({"room_version":11})", a.token), 400,
                      "M_BAD_JSON");
}

TEST_F(RoomCreate, AliasIsCreatedAndTakenAliasIsRoomInUse) {
  const User a = newUser("alias");
  const std::string room = createRoom(a, R"({"room_alias_name":"taken-one"})");
  const auto resolved = s().get(kV3 + "/directory/room/" + enc("#taken-one:localhost"));
  ASSERT_EQ(resolved.status, 200) << resolved.body;
  EXPECT_EQ(str(resolved.json(), "room_id"), room);
  const auto again = s().post(kV3 + "/createRoom", R"({"room_alias_name":"taken-one"})", a.token);
  EXPECT_MATRIX_ERROR(again, 400, "M_ROOM_IN_USE");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", R"({"room_alias_name":"bad:name"})", a.token), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", R"({"room_alias_name":"has space"})", a.token), 400,
                      "M_INVALID_PARAM");
  const std::string too_long = R"({"room_alias_name":")" + std::string(250, 'a') + "\"}";  // > 255 bytes in all
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", too_long, a.token), 400, "M_INVALID_PARAM");
  // The failed attempts created no rooms.
  const auto joined = s().get(kV3 + "/joined_rooms", a.token).json();
  EXPECT_EQ(joined["joined_rooms"].Size(), 1u);
}

TEST_F(RoomCreate, JoinedRoomsListsCreatedRooms) {
  const User a = newUser("jr");
  const std::string r1 = createRoom(a);
  const std::string r2 = createRoom(a);
  const auto doc = s().get(kV3 + "/joined_rooms", a.token).json();
  std::set<std::string> ids;
  for (const auto& v : doc["joined_rooms"].GetArray()) {
    ids.insert(v.GetString());
  }
  EXPECT_EQ(ids, (std::set<std::string>{r1, r2}));
  EXPECT_EQ(r1.rfind("!", 0), 0u);
  EXPECT_NE(r1.find(":localhost"), std::string::npos);
}

TEST_F(RoomCreate, BadInput) {
  const User a = newUser("bad");
  const auto post = [&](const std::string& body) { return s().post(kV3 + "/createRoom", body, a.token); };
  EXPECT_MATRIX_ERROR(post("{not json"), 400, "M_NOT_JSON");
  EXPECT_MATRIX_ERROR(post("[]"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"name":5})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"topic":{"x":1}})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"invite":"@x:localhost"})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"invite":[1]})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"is_direct":"yes"})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"initial_state":{}})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"initial_state":[{"type":"x"}]})"), 400, "M_MISSING_PARAM");
  EXPECT_MATRIX_ERROR(post(R"({"initial_state":[{"type":"x","content":[]}]})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"power_level_content_override":[]})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"creation_content":"x"})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(post(R"({"preset":"no_such_preset"})"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(post(R"({"visibility":"secret"})"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(post(R"({"invite":["not-a-user"]})"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(post(R"({"invite":["@nobody-here:localhost"]})"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", "{}"), 401, "M_MISSING_TOKEN");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", "{}", "not-a-token"), 401, "M_UNKNOWN_TOKEN");
  EXPECT_EQ(s().get(kV3 + "/joined_rooms", a.token).json()["joined_rooms"].Size(), 0u);
}

}  // namespace
}  // namespace hs::test::rooms_e2e
