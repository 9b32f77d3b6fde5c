// Joining (by id and alias), inviting, leaving, forgetting, kicking, banning and unbanning,
// and the member listings, over real HTTP.
#include <gtest/gtest.h>

#include <map>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomMembership : public RoomSuite<RoomMembership> {
 protected:
  static HttpResult act(const User& by, const std::string& room, const char* what,
                        const std::string& user_id, const std::string& extra = "") {
    return s().post(kV3 + "/rooms/" + enc(room) + "/" + what,
                    R"({"user_id":")" + user_id + "\"" + extra + "}", by.token);
  }
  static std::string membershipOf(const User& viewer, const std::string& room, const std::string& user_id) {
    const auto r = getState(viewer, room, "m.room.member", user_id);
    return r.status == 200 ? str(r.json(), "membership") : "(" + std::to_string(r.status) + ")";
  }
  static std::set<std::string> joinedRooms(const User& u) {
    std::set<std::string> out;
    const auto doc = s().get(kV3 + "/joined_rooms", u.token).json();
    for (const auto& v : doc["joined_rooms"].GetArray()) {
      out.insert(v.GetString());
    }
    return out;
  }
  // state_key -> membership of /members?query
  static std::map<std::string, std::string> members(const User& u, const std::string& room,
                                                    const std::string& query = "") {
    const auto r = roomGet(u, room, "/members" + query);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, std::string> out;
    const auto doc = r.json();
    for (const auto& e : doc["chunk"].GetArray()) {
      EXPECT_EQ(str(e, "type"), "m.room.member");
      out[str(e, "state_key")] = str(e["content"], "membership");
    }
    return out;
  }
};

TEST_F(RoomMembership, JoinByIdAndByAlias) {
  const User a = newUser("joiner");
  const User b = newUser("joinb");
  const User c = newUser("joinc");
  const User d = newUser("joind");
  const std::string room = createRoom(a, R"({"preset":"public_chat","room_alias_name":"join-me"})");
  const auto by_alias = s().post(kV3 + "/join/" + enc("#join-me:localhost"), "{}", b.token);
  ASSERT_EQ(by_alias.status, 200) << by_alias.body;
  EXPECT_EQ(str(by_alias.json(), "room_id"), room);
  const auto by_id = s().post(kV3 + "/join/" + enc(room), "", c.token);
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  EXPECT_EQ(str(by_id.json(), "room_id"), room);
  const auto rooms_join = join(d, room);
  ASSERT_EQ(rooms_join.status, 200) << rooms_join.body;
  EXPECT_EQ(str(rooms_join.json(), "room_id"), room);
  EXPECT_EQ(joinedRooms(b), std::set<std::string>{room});
  const auto jm = roomGet(a, room, "/joined_members");
  ASSERT_EQ(jm.status, 200) << jm.body;
  const auto doc = jm.json();
  EXPECT_EQ(doc["joined"].MemberCount(), 4u);
  ASSERT_TRUE(doc["joined"].HasMember(b.id.c_str()));
  EXPECT_EQ(str(doc["joined"][b.id.c_str()], "display_name"), b.id.substr(1, b.id.find(':') - 1));
  // Joining again is harmless.
  EXPECT_EQ(join(d, room).status, 200);
}

TEST_F(RoomMembership, JoinedMembersCarryDisplayNameAndAvatarUrl) {
  const User a = newUser("jmprof");
  const User b = newUser("jmprofb");
  ASSERT_EQ(s().put(kV3 + "/profile/" + enc(a.id) + "/avatar_url", R"({"avatar_url":"mxc://localhost/av"})",
                    a.token).status, 200);
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const auto r = roomGet(b, room, "/joined_members");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  const auto& mine = doc["joined"][a.id.c_str()];
  EXPECT_EQ(str(mine, "avatar_url"), "mxc://localhost/av");
  EXPECT_EQ(str(mine, "display_name"), a.id.substr(1, a.id.find(':') - 1));
  // Unset: present and null, as Synapse answers.
  const auto& theirs = doc["joined"][b.id.c_str()];
  ASSERT_TRUE(theirs.HasMember("avatar_url")) << r.body;
  EXPECT_TRUE(theirs["avatar_url"].IsNull());
  EXPECT_TRUE(theirs["display_name"].IsString());
}

TEST_F(RoomMembership, JoinKeepsCustomContentAndRejoiningChangesNothing) {
  const User a = newUser("jcustom");
  const User b = newUser("jcustomb");
  const User c = newUser("jcustomc");
  const std::string room = createRoom(a, R"({"preset":"public_chat","room_alias_name":"jcustom"})");
  const auto by_id = s().post(kV3 + "/rooms/" + enc(room) + "/join",
                              R"({"reason":"hello","org.example.badge":{"level":3}})", b.token);
  ASSERT_EQ(by_id.status, 200) << by_id.body;
  const auto mine = getState(a, room, "m.room.member", b.id).json();
  EXPECT_EQ(str(mine, "membership"), "join");
  EXPECT_EQ(str(mine, "reason"), "hello");
  ASSERT_TRUE(mine.HasMember("org.example.badge")) << json::toString(mine);
  EXPECT_EQ(mine["org.example.badge"]["level"].GetInt(), 3);
  EXPECT_EQ(str(mine, "displayname"), b.id.substr(1, b.id.find(':') - 1));  // the profile fills in
  // By alias, with a chosen room name; `membership` in the body is the server's to set.
  const auto by_alias = s().post(kV3 + "/join/" + enc("#jcustom:localhost"),
                                 R"({"displayname":"Cee here","membership":"leave"})", c.token);
  ASSERT_EQ(by_alias.status, 200) << by_alias.body;
  const auto theirs = getState(a, room, "m.room.member", c.id).json();
  EXPECT_EQ(str(theirs, "membership"), "join");
  EXPECT_EQ(str(theirs, "displayname"), "Cee here");
  // Joining again with the same content sends no event; other content does.
  const auto event_of = [&](const User& u) {
    return str(getState(a, room, "m.room.member", u.id, "?format=event").json(), "event_id");
  };
  const std::string joined = event_of(b);
  ASSERT_EQ(s().post(kV3 + "/rooms/" + enc(room) + "/join",
                     R"({"org.example.badge":{"level":3},"reason":"hello"})", b.token).status, 200);
  EXPECT_EQ(event_of(b), joined);
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_NE(event_of(b), joined);
}

TEST_F(RoomMembership, JoinUnknownRoomOrAliasIsNotFound) {
  const User a = newUser("lost");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/join/" + enc("#nowhere:localhost"), "{}", a.token), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(join(a, "!doesnotexist:localhost"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/join/" + enc("not-a-room"), "{}", a.token), 400, "M_INVALID_PARAM");
}

TEST_F(RoomMembership, InviteLetsTheInviteeJoinAPrivateRoom) {
  const User a = newUser("inviter");
  const User b = newUser("invitee");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(join(b, room), 403, "M_FORBIDDEN");
  const auto r = s().post(kV3 + "/rooms/" + enc(room) + "/invite",
                          R"({"user_id":")" + b.id + R"(","reason":"come in"})", a.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  const auto member = getState(a, room, "m.room.member", b.id).json();
  EXPECT_EQ(str(member, "membership"), "invite");
  EXPECT_EQ(str(member, "reason"), "come in");
  EXPECT_EQ(members(a, room, "?membership=invite"), (std::map<std::string, std::string>{{b.id, "invite"}}));
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_EQ(membershipOf(a, room, b.id), "join");
}

TEST_F(RoomMembership, InviteErrors) {
  const User a = newUser("inverr");
  const User b = newUser("inverrb");
  const User outsider = newUser("inverrout");
  const std::string room = createRoom(a, R"({"preset":"public_chat",
      "power_level_content_override":{"invite":50}})");
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_MATRIX_ERROR(invite(a, room, "@ghost:localhost"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(invite(b, room, outsider.id), 403, "M_FORBIDDEN");         // b lacks the invite level
  EXPECT_MATRIX_ERROR(invite(outsider, room, newUser("x").id), 403, "M_FORBIDDEN");  // not in the room
  EXPECT_MATRIX_ERROR(invite(a, room, b.id), 403, "M_FORBIDDEN");                // already joined
  EXPECT_MATRIX_ERROR(invite(a, room, "not-a-user"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/" + enc(room) + "/invite", "{}", a.token), 400,
                      "M_MISSING_PARAM");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/" + enc(room) + "/invite", R"({"user_id":5})", a.token), 400,
                      "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(invite(a, "!unknown:localhost", outsider.id), 404, "M_NOT_FOUND");
}

TEST_F(RoomMembership, InviteeCanReject) {
  const User a = newUser("rej");
  const User b = newUser("rejb");
  const std::string room = createRoom(a);
  ASSERT_EQ(invite(a, room, b.id).status, 200);
  ASSERT_EQ(leave(b, room).status, 200);
  EXPECT_EQ(membershipOf(a, room, b.id), "leave");
  EXPECT_MATRIX_ERROR(join(b, room), 403, "M_FORBIDDEN");  // the invite is gone
}

TEST_F(RoomMembership, LeaveAndForget) {
  const User a = newUser("leaver");
  const User b = newUser("leaverb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/" + enc(room) + "/forget", "{}", b.token), 400, "M_UNKNOWN");
  const auto r = s().post(kV3 + "/rooms/" + enc(room) + "/leave", R"({"reason":"bye"})", b.token);
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "{}");
  EXPECT_TRUE(joinedRooms(b).empty());
  const auto member = getState(a, room, "m.room.member", b.id).json();
  EXPECT_EQ(str(member, "membership"), "leave");
  EXPECT_EQ(str(member, "reason"), "bye");
  EXPECT_EQ(leave(b, room).status, 200);  // leaving twice is fine
  const auto forget = s().post(kV3 + "/rooms/" + enc(room) + "/forget", "{}", b.token);
  EXPECT_EQ(forget.status, 200) << forget.body;
  // A forgotten room can still be rejoined.
  EXPECT_EQ(join(b, room).status, 200);
  EXPECT_EQ(joinedRooms(b), std::set<std::string>{room});
}

TEST_F(RoomMembership, LeaveErrors) {
  const User a = newUser("lerr");
  const User b = newUser("lerrb");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(leave(b, room), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(leave(b, "!unknown:localhost"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(leave(b, "garbage"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/" + enc(room) + "/forget", "{}", b.token), 404, "M_NOT_FOUND");
}

TEST_F(RoomMembership, KickNeedsPowerAndTheTargetCanRejoin) {
  const User a = newUser("kicker");
  const User b = newUser("kickb");
  const User c = newUser("kickc");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(join(c, room).status, 200);
  EXPECT_MATRIX_ERROR(act(b, room, "kick", c.id), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(act(b, room, "kick", a.id), 403, "M_FORBIDDEN");
  const auto r = act(a, room, "kick", b.id, R"(,"reason":"spam")");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto member = getState(a, room, "m.room.member", b.id).json();
  EXPECT_EQ(str(member, "membership"), "leave");
  EXPECT_EQ(str(member, "reason"), "spam");
  EXPECT_TRUE(joinedRooms(b).empty());
  EXPECT_MATRIX_ERROR(act(a, room, "kick", b.id), 403, "M_FORBIDDEN");  // no longer in the room
  EXPECT_EQ(join(b, room).status, 200);
}

TEST_F(RoomMembership, BanKeepsTheUserOutUntilUnbanned) {
  const User a = newUser("banner");
  const User b = newUser("bannedb");
  const User c = newUser("bannerc");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(join(c, room).status, 200);
  EXPECT_MATRIX_ERROR(act(c, room, "ban", b.id), 403, "M_FORBIDDEN");
  ASSERT_EQ(act(a, room, "ban", b.id, R"(,"reason":"abuse")").status, 200);
  EXPECT_EQ(membershipOf(a, room, b.id), "ban");
  EXPECT_EQ(str(getState(a, room, "m.room.member", b.id).json(), "reason"), "abuse");
  EXPECT_MATRIX_ERROR(join(b, room), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(invite(a, room, b.id), 403, "M_FORBIDDEN");
  EXPECT_TRUE(joinedRooms(b).empty());
  EXPECT_MATRIX_ERROR(act(c, room, "unban", b.id), 403, "M_FORBIDDEN");
  ASSERT_EQ(act(a, room, "unban", b.id).status, 200);
  EXPECT_EQ(membershipOf(a, room, b.id), "leave");
  EXPECT_EQ(join(b, room).status, 200);
  // Unbanning someone who is not banned is refused.
  EXPECT_EQ(act(a, room, "unban", c.id).status, 403);
}

TEST_F(RoomMembership, KickingABannedUserIsRefusedAndKeepsTheBan) {
  const User a = newUser("kickban");
  const User b = newUser("kickbanb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(act(a, room, "ban", b.id).status, 200);
  const std::string ban_event = str(getState(a, room, "m.room.member", b.id, "?format=event").json(), "event_id");
  // The auth rules would let the banning admin's leave through as an unban: the kick is 403.
  EXPECT_MATRIX_ERROR(act(a, room, "kick", b.id, R"(,"reason":"again")"), 403, "M_FORBIDDEN");
  EXPECT_EQ(membershipOf(a, room, b.id), "ban");
  EXPECT_EQ(str(getState(a, room, "m.room.member", b.id, "?format=event").json(), "event_id"), ban_event);
  EXPECT_MATRIX_ERROR(join(b, room), 403, "M_FORBIDDEN");
  // A banned user invited nowhere and never joined: a kick is refused the same way.
  const User c = newUser("kickbanc");
  ASSERT_EQ(act(a, room, "ban", c.id).status, 200);
  EXPECT_MATRIX_ERROR(act(a, room, "kick", c.id), 403, "M_FORBIDDEN");
  EXPECT_EQ(membershipOf(a, room, c.id), "ban");
  // Only /unban lifts it.
  ASSERT_EQ(act(a, room, "unban", b.id).status, 200);
  EXPECT_EQ(join(b, room).status, 200);
}

TEST_F(RoomMembership, KickWithdrawsAnInvite) {
  const User a = newUser("kickinv");
  const User b = newUser("kickinvb");
  const std::string room = createRoom(a);
  ASSERT_EQ(invite(a, room, b.id).status, 200);
  ASSERT_EQ(act(a, room, "kick", b.id).status, 200);
  EXPECT_EQ(membershipOf(a, room, b.id), "leave");
  EXPECT_MATRIX_ERROR(join(b, room), 403, "M_FORBIDDEN");
}

TEST_F(RoomMembership, BanANonMemberPreemptively) {
  const User a = newUser("preban");
  const User b = newUser("prebanb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(act(a, room, "ban", b.id).status, 200);
  EXPECT_MATRIX_ERROR(join(b, room), 403, "M_FORBIDDEN");
}

TEST_F(RoomMembership, KickBanBadInput) {
  const User a = newUser("kbbad");
  const std::string room = publicRoom(a);
  for (const char* what : {"kick", "ban", "unban"}) {
    SCOPED_TRACE(what);
    const std::string path = kV3 + "/rooms/" + enc(room) + "/" + what;
    EXPECT_MATRIX_ERROR(s().post(path, "{}", a.token), 400, "M_MISSING_PARAM");
    EXPECT_MATRIX_ERROR(s().post(path, R"({"user_id":["x"]})", a.token), 400, "M_BAD_JSON");
    EXPECT_MATRIX_ERROR(s().post(path, R"({"user_id":"nope"})", a.token), 400, "M_INVALID_PARAM");
    EXPECT_MATRIX_ERROR(s().post(path, "nope", a.token), 400, "M_NOT_JSON");
    EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/bad/" + what, R"({"user_id":"@a:localhost"})", a.token), 400,
                        "M_INVALID_PARAM");
  }
}

TEST_F(RoomMembership, MembersAtATokenListTheMembershipsOfThatPoint) {
  const User a = newUser("memat");
  const User b = newUser("matb");
  const User c = newUser("matc");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string before = str(sync(a), "next_batch");  // a and b joined, c not yet
  ASSERT_EQ(join(c, room).status, 200);
  ASSERT_EQ(leave(b, room).status, 200);
  using M = std::map<std::string, std::string>;
  EXPECT_EQ(members(a, room), (M{{a.id, "join"}, {b.id, "leave"}, {c.id, "join"}}));
  EXPECT_EQ(members(a, room, "?at=" + enc(before)), (M{{a.id, "join"}, {b.id, "join"}}));
  EXPECT_EQ(members(a, room, "?at=" + enc(before) + "&membership=join"), (M{{a.id, "join"}, {b.id, "join"}}));
  // A later token than now is today's list; a malformed one is refused.
  const std::string now = str(sync(a), "next_batch");
  EXPECT_EQ(members(a, room, "?at=" + enc(now)), (M{{a.id, "join"}, {b.id, "leave"}, {c.id, "join"}}));
  const auto bad = roomGet(a, room, "/members?at=nonsense");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(str(bad.json(), "errcode"), "M_INVALID_PARAM");
}

// Complement's TestGetRoomMembersAtPoint: the prev_batch of an initial sync whose timeline
// reaches the room's creation.
TEST_F(RoomMembership, MembersAtAnInitialSyncsPrevBatchListTheCreator) {
  const User a = newUser("mpa");
  const User b = newUser("mpb");
  const std::string room = publicRoom(a);
  send(a, room, "Hello world!");
  const auto initial = sync(a);
  const std::string prev = str(initial["rooms"]["join"][room.c_str()]["timeline"], "prev_batch");
  ASSERT_FALSE(prev.empty());
  ASSERT_EQ(join(b, room).status, 200);
  send(b, room, "Hello back");
  using M = std::map<std::string, std::string>;
  EXPECT_EQ(members(a, room, "?at=" + enc(prev)), (M{{a.id, "join"}}));
}

// Identity servers are not supported (README): an invite by email is not understood.
TEST_F(RoomMembership, ThirdPartyInvitesAreUnrecognized) {
  const User a = newUser("tpi");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/" + enc(room) + "/invite",
                               R"({"id_server":"id.example.org","id_access_token":"x","medium":"email",)"
                               R"("address":"someone@example.org"})",
                               a.token),
                      400, "M_UNRECOGNIZED");
}

TEST_F(RoomMembership, MembersWithMembershipFilters) {
  const User a = newUser("mem");
  const User b = newUser("memb");
  const User c = newUser("memc");
  const User d = newUser("memd");
  const User e = newUser("meme");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(join(c, room).status, 200);
  ASSERT_EQ(leave(c, room).status, 200);
  ASSERT_EQ(invite(a, room, d.id).status, 200);
  ASSERT_EQ(act(a, room, "ban", e.id).status, 200);
  using M = std::map<std::string, std::string>;
  const M all = {{a.id, "join"}, {b.id, "join"}, {c.id, "leave"}, {d.id, "invite"}, {e.id, "ban"}};
  EXPECT_EQ(members(a, room), all);
  EXPECT_EQ(members(a, room, "?membership=join"), (M{{a.id, "join"}, {b.id, "join"}}));
  EXPECT_EQ(members(a, room, "?not_membership=leave"),
            (M{{a.id, "join"}, {b.id, "join"}, {d.id, "invite"}, {e.id, "ban"}}));
  EXPECT_EQ(members(a, room, "?membership=ban"), (M{{e.id, "ban"}}));
  // Together they are an 'or': membership is `membership` or is not `not_membership`.
  EXPECT_EQ(members(a, room, "?membership=leave&not_membership=join"),
            (M{{c.id, "leave"}, {d.id, "invite"}, {e.id, "ban"}}));
  EXPECT_EQ(members(a, room, "?membership=join&not_membership=join"), all);
  // Every chunk entry is a full client event.
  const auto doc = roomGet(b, room, "/members").json();
  for (const auto& ev : doc["chunk"].GetArray()) {
    EXPECT_TRUE(ev.HasMember("event_id") && ev.HasMember("sender") && ev.HasMember("origin_server_ts"));
    EXPECT_EQ(str(ev, "room_id"), room);
  }
}

TEST_F(RoomMembership, MemberListsNeedMembership) {
  const User a = newUser("mln");
  const User outsider = newUser("mlnout");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(roomGet(outsider, room, "/members"), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(roomGet(outsider, room, "/joined_members"), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(roomGet(a, "!nope:localhost", "/members"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(roomGet(a, "nope", "/joined_members"), 400, "M_INVALID_PARAM");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
