// Room aliases over real HTTP: PUT/GET/DELETE /directory/room/{alias} and /rooms/{id}/aliases.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomAliases : public RoomSuite<RoomAliases> {
 protected:
  static std::string path(const std::string& alias) { return kV3 + "/directory/room/" + enc(alias); }
  static HttpResult putAlias(const User& u, const std::string& alias, const std::string& room) {
    return s().put(path(alias), R"({"room_id":")" + room + "\"}", u.token);
  }
};

TEST_F(RoomAliases, CreateResolveListDelete) {
  const User a = newUser("al");
  const std::string room = createRoom(a);
  ASSERT_EQ(putAlias(a, "#first:localhost", room).status, 200);
  ASSERT_EQ(putAlias(a, "#second:localhost", room).status, 200);
  const auto r = s().get(path("#first:localhost"));  // no token needed
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(str(doc, "room_id"), room);
  ASSERT_TRUE(doc["servers"].IsArray());
  EXPECT_EQ(doc["servers"].Size(), 1u);
  EXPECT_STREQ(doc["servers"][0].GetString(), "localhost");
  const auto list = roomGet(a, room, "/aliases");
  ASSERT_EQ(list.status, 200) << list.body;
  std::set<std::string> aliases;
  const auto list_doc = list.json();  // kept alive: GetArray() only points into it
  for (const auto& v : list_doc["aliases"].GetArray()) {
    aliases.insert(v.GetString());
  }
  EXPECT_EQ(aliases, (std::set<std::string>{"#first:localhost", "#second:localhost"}));
  ASSERT_EQ(s().del(path("#first:localhost"), "", a.token).status, 200);
  EXPECT_MATRIX_ERROR(s().get(path("#first:localhost")), 404, "M_NOT_FOUND");
  EXPECT_EQ(roomGet(a, room, "/aliases").json()["aliases"].Size(), 1u);
  // A deleted alias can be taken again.
  EXPECT_EQ(putAlias(a, "#first:localhost", room).status, 200);
}

TEST_F(RoomAliases, DuplicateIsConflict) {
  const User a = newUser("dup");
  const std::string r1 = createRoom(a);
  const std::string r2 = createRoom(a);
  ASSERT_EQ(putAlias(a, "#dup:localhost", r1).status, 200);
  EXPECT_MATRIX_ERROR(putAlias(a, "#dup:localhost", r2), 409, "M_UNKNOWN");
  EXPECT_MATRIX_ERROR(putAlias(a, "#dup:localhost", r1), 409, "M_UNKNOWN");
  EXPECT_EQ(str(s().get(path("#dup:localhost")).json(), "room_id"), r1);
}

TEST_F(RoomAliases, NonMembersMayNotCreate) {
  const User a = newUser("priv");
  const User b = newUser("stranger");
  const std::string room = createRoom(a, R"({"preset":"private_chat"})");
  EXPECT_MATRIX_ERROR(putAlias(b, "#hijack:localhost", room), 403, "M_FORBIDDEN");
  EXPECT_EQ(s().get(path("#hijack:localhost")).status, 404);
  // Nor may someone who has left.
  const std::string open = publicRoom(a);
  ASSERT_EQ(join(b, open).status, 200);
  ASSERT_EQ(leave(b, open).status, 200);
  EXPECT_MATRIX_ERROR(putAlias(b, "#gone:localhost", open), 403, "M_FORBIDDEN");
}

// Besides the alias's creator, the room's admins (power to set m.room.canonical_alias).
TEST_F(RoomAliases, RoomAdminsMayDeleteAliasesOfTheirRoom) {
  const User a = newUser("admin");
  const User b = newUser("member");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(putAlias(b, "#bs:localhost", room).status, 200);
  ASSERT_EQ(putAlias(b, "#bs2:localhost", room).status, 200);
  EXPECT_EQ(s().del(path("#bs:localhost"), "", a.token).status, 200);
  EXPECT_EQ(s().get(path("#bs:localhost")).status, 404);
  ASSERT_EQ(leave(b, room).status, 200);
  EXPECT_EQ(s().del(path("#bs2:localhost"), "", a.token).status, 200);
  // An admin of another room may not.
  const User c = newUser("otheradmin");
  createRoom(c);
  ASSERT_EQ(putAlias(a, "#as:localhost", room).status, 200);
  EXPECT_MATRIX_ERROR(s().del(path("#as:localhost"), "", c.token), 403, "M_FORBIDDEN");
}

TEST_F(RoomAliases, DeletingACanonicalAliasUpdatesTheRoom) {
  const User a = newUser("canon");
  const std::string room = createRoom(a, R"({"preset":"public_chat","room_alias_name":"canon-main"})");
  ASSERT_EQ(putAlias(a, "#canon-alt:localhost", room).status, 200);
  ASSERT_EQ(putAlias(a, "#canon-alt2:localhost", room).status, 200);
  ASSERT_EQ(putState(a, room, "m.room.canonical_alias", "",
                     R"({"alias":"#canon-main:localhost","alt_aliases":["#canon-alt:localhost","#canon-alt2:localhost"]})")
                .status, 200);
  auto canonical = [&] { return getState(a, room, "m.room.canonical_alias").json(); };
  ASSERT_EQ(s().del(path("#canon-alt:localhost"), "", a.token).status, 200);
  auto c = canonical();
  EXPECT_EQ(str(c, "alias"), "#canon-main:localhost");
  ASSERT_EQ(c["alt_aliases"].Size(), 1u);
  EXPECT_STREQ(c["alt_aliases"][0].GetString(), "#canon-alt2:localhost");
  ASSERT_EQ(s().del(path("#canon-main:localhost"), "", a.token).status, 200);
  c = canonical();
  EXPECT_FALSE(c.HasMember("alias")) << json::toString(c);
  ASSERT_EQ(c["alt_aliases"].Size(), 1u);
  ASSERT_EQ(s().del(path("#canon-alt2:localhost"), "", a.token).status, 200);
  EXPECT_EQ(json::toString(canonical()), "{}");
  // An alias the canonical event never named sends nothing.
  const auto before = getState(a, room, "m.room.canonical_alias", "", "?format=event").json();
  ASSERT_EQ(putAlias(a, "#canon-other:localhost", room).status, 200);
  ASSERT_EQ(s().del(path("#canon-other:localhost"), "", a.token).status, 200);
  EXPECT_EQ(str(getState(a, room, "m.room.canonical_alias", "", "?format=event").json(), "event_id"),
            str(before, "event_id"));
}

TEST_F(RoomAliases, OrdinaryMembersMayNotDeleteOthersAliases) {
  const User a = newUser("owner");
  const User b = newUser("other");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(putAlias(a, "#mine:localhost", room).status, 200);
  EXPECT_MATRIX_ERROR(s().del(path("#mine:localhost"), "", b.token), 403, "M_FORBIDDEN");
  EXPECT_EQ(s().get(path("#mine:localhost")).status, 200);
  EXPECT_MATRIX_ERROR(s().del(path("#never:localhost"), "", a.token), 404, "M_NOT_FOUND");
}

TEST_F(RoomAliases, BadInput) {
  const User a = newUser("albad");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(putAlias(a, "#x:elsewhere.org", room), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(putAlias(a, "nohash:localhost", room), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(putAlias(a, "#nocolon", room), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(putAlias(a, "#" + std::string(250, 'a') + ":localhost", room), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(putAlias(a, "#ok:localhost", "!unknown:localhost"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(putAlias(a, "#ok:localhost", "not-a-room"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().put(path("#ok:localhost"), "{}", a.token), 400, "M_MISSING_PARAM");
  EXPECT_MATRIX_ERROR(s().put(path("#ok:localhost"), R"({"room_id":1})", a.token), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().put(path("#ok:localhost"), "x", a.token), 400, "M_NOT_JSON");
  EXPECT_MATRIX_ERROR(s().put(path("#ok:localhost"), R"({"room_id":")" + room + "\"}"), 401, "M_MISSING_TOKEN");
  EXPECT_MATRIX_ERROR(s().get(path("#unknown:localhost")), 404, "M_NOT_FOUND");
  EXPECT_EQ(s().get(path("#ok:localhost")).status, 404);  // nothing was created
}

}  // namespace
}  // namespace hs::test::rooms_e2e
