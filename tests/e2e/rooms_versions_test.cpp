// Room versions 1 to 12 over real HTTP: /capabilities lists them, every one can be created and
// used (send, state, redact, join, /messages), and POST /rooms/{roomId}/upgrade replaces a
// room as the spec's room upgrades module describes.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomVersions : public RoomSuite<RoomVersions> {
 protected:
  static HttpResult upgrade(const User& u, const std::string& room, const std::string& body) {
    return s().post(kV3 + "/rooms/" + enc(room) + "/upgrade", body, u.token);
  }
};

TEST_F(RoomVersions, CapabilitiesListEveryStableVersion) {
  const User a = newUser("caps");
  const auto caps = s().get(kV3 + "/capabilities", a.token).json();
  const auto& versions = caps["capabilities"]["m.room_versions"];
  EXPECT_EQ(str(versions, "default"), "11");
  for (int v = 1; v <= 12; ++v) {
    EXPECT_EQ(str(versions["available"], std::to_string(v).c_str()), "stable") << v;
  }
}

TEST_F(RoomVersions, EveryVersionCanBeCreatedAndUsed) {
  const User a = newUser("every");
  const User b = newUser("everyb");
  for (int v = 1; v <= 12; ++v) {
    const std::string version = std::to_string(v);
    const std::string room = createRoom(a, R"({"preset":"public_chat","room_version":")" + version + "\"}");
    ASSERT_FALSE(room.empty()) << version;
    EXPECT_EQ(str(getState(a, room, "m.room.create").json(), "room_version"), version);
    if (v == 12) {
      EXPECT_EQ(room.find(':'), std::string::npos) << room;  // the create event's hash
    } else {
      EXPECT_NE(room.find(":localhost"), std::string::npos) << room;
    }
    ASSERT_EQ(join(b, room).status, 200) << version;
    const std::string said = send(b, room, "hello v" + version);
    ASSERT_FALSE(said.empty()) << version;
    if (v <= 2) {
      EXPECT_NE(said.find(":localhost"), std::string::npos) << said;  // $opaque:server
    } else if (v == 3) {
      EXPECT_EQ(said.size(), 44u) << said;
    } else {
      EXPECT_EQ(said.find_first_of("+/"), std::string::npos) << said;  // URL-safe from v4
    }
    EXPECT_EQ(putState(a, room, "m.room.topic", "", R"({"topic":"v)" + version + "\"}").status, 200);
    const auto red = s().put(kV3 + "/rooms/" + enc(room) + "/redact/" + enc(said) + "/" + txn(), "{}", b.token);
    EXPECT_EQ(red.status, 200) << version << " " << red.body;
    const auto history = messages(a, room, "dir=b&limit=3").json();
    ASSERT_TRUE(history["chunk"].IsArray()) << version;
    const auto ids = eventIds(history["chunk"]);
    ASSERT_EQ(ids.size(), 3u) << version;
    EXPECT_EQ(ids[2], said) << version;
    EXPECT_EQ(history["chunk"][2]["content"].MemberCount(), 0u) << version;  // redacted
  }
}

TEST_F(RoomVersions, UpgradeReplacesTheRoom) {
  const User a = newUser("upg");
  const User b = newUser("upgb");
  const std::string old = createRoom(a, R"({"preset":"public_chat","room_version":"10","name":"Old",
      "topic":"About","room_alias_name":"upgrade-me"})");
  ASSERT_EQ(join(b, old).status, 200);
  const auto r = upgrade(a, old, R"({"new_version":"11"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string replacement = str(r.json(), "replacement_room");
  ASSERT_FALSE(replacement.empty());
  const auto create = getState(a, replacement, "m.room.create").json();
  EXPECT_EQ(str(create, "room_version"), "11");
  EXPECT_EQ(str(create["predecessor"], "room_id"), old);
  EXPECT_FALSE(str(create["predecessor"], "event_id").empty());
  EXPECT_EQ(str(getState(a, replacement, "m.room.name").json(), "name"), "Old");
  EXPECT_EQ(str(getState(a, replacement, "m.room.topic").json(), "topic"), "About");
  EXPECT_EQ(str(getState(a, replacement, "m.room.join_rules").json(), "join_rule"), "public");
  EXPECT_EQ(str(getState(a, replacement, "m.room.canonical_alias").json(), "alias"), "#upgrade-me:localhost");
  const auto tombstone = getState(a, old, "m.room.tombstone").json();
  EXPECT_EQ(str(tombstone, "replacement_room"), replacement);
  const auto resolved = s().get(kV3 + "/directory/room/" + enc("#upgrade-me:localhost")).json();
  EXPECT_EQ(str(resolved, "room_id"), replacement);  // the alias moved
  // Nobody speaks in the old room any more (events_default raised to 50).
  EXPECT_MATRIX_ERROR(sendEvent(b, old, "m.room.message", R"({"msgtype":"m.text","body":"x"})"), 403,
                      "M_FORBIDDEN");
  EXPECT_EQ(join(b, replacement).status, 200);
  EXPECT_FALSE(send(b, replacement, "over here").empty());
}

TEST_F(RoomVersions, UpgradeToV12MakesTheUpgraderACreator) {
  const User a = newUser("upg12");
  const User c = newUser("upg12c");
  const std::string old = createRoom(a, R"({"room_version":"11"})");
  const auto r = upgrade(a, old, R"({"new_version":"12","additional_creators":[")" + c.id + R"("]})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string replacement = str(r.json(), "replacement_room");
  const auto create = getState(a, replacement, "m.room.create").json();
  EXPECT_EQ(str(create, "room_version"), "12");
  ASSERT_TRUE(create["additional_creators"].IsArray());
  EXPECT_EQ(std::string(create["additional_creators"][0].GetString()), c.id);
  const auto pl = getState(a, replacement, "m.room.power_levels").json();
  EXPECT_FALSE(pl["users"].HasMember(a.id.c_str()));  // creators are never listed in v12
}

TEST_F(RoomVersions, UpgradeRefusals) {
  const User a = newUser("upgno");
  const User b = newUser("upgnob");
  const std::string room = createRoom(a, R"({"preset":"public_chat"})");
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_MATRIX_ERROR(upgrade(b, room, R"({"new_version":"11"})"), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(upgrade(a, room, R"({"new_version":"99"})"), 400, "M_UNSUPPORTED_ROOM_VERSION");
  EXPECT_MATRIX_ERROR(upgrade(a, room, R"({})"), 400, "M_MISSING_PARAM");
  EXPECT_MATRIX_ERROR(upgrade(a, "!nowhere:localhost", R"({"new_version":"11"})"), 404, "M_NOT_FOUND");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
