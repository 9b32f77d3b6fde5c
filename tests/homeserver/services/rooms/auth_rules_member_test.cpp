// Auth rule 4: m.room.member (ALGORITHMS §14), one test per numbered rule.
#include <gtest/gtest.h>

#include "homeserver/services/rooms/auth_rules.h"
#include "room_builder.h"

namespace hs::rooms {
namespace {

using test::EventBuilder;
using test::kAlice;
using test::kBob;
using test::kCharlie;
using test::member;
using test::memberWith;
using test::stateEvent;
using test::TestRoom;

bool has(const AuthResult& r, std::string_view words) {
  return r.reason.find(words) != std::string::npos;
}

// Alice 100, Bob 50, Charlie 0; kick 50, ban 60; all three joined; public.
TestRoom moderatedRoom() {
  TestRoom room = TestRoom::standard();
  room.setPowerLevels(R"({"users":{"@alice:example.com":100,"@bob:example.com":50},)"
                      R"("kick":50,"ban":60})");
  room.join(kBob);
  room.join(kCharlie);
  return room;
}

// ---- 4.1 shape ----

TEST(AuthMember, RejectsMissingMembershipOrStateKey) {
  TestRoom room = TestRoom::standard();
  EXPECT_FALSE(room.check(memberWith(kBob, kBob, R"({"displayname":"b"})")).allowed);
  EventBuilder no_key("m.room.member", kBob);
  no_key.content(R"({"membership":"join"})");
  EXPECT_FALSE(room.check(no_key).allowed);
  EXPECT_TRUE(room.check(member(kBob, kBob, "join")).allowed);
}

TEST(AuthMember, RejectsUnknownMembership) {  // 4.8
  TestRoom room = TestRoom::standard();
  const AuthResult r = room.check(member(kAlice, kAlice, "dance"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "unknown membership")) << r.reason;
}

// ---- 4.2 the authorising server's signature ----

TEST(AuthMember, AuthorisedJoinMustBeSignedByAuthorisingServer) {
  TestRoom room = TestRoom::standard("restricted");
  const std::string content =
      R"({"membership":"join","join_authorised_via_users_server":"@alice:example.com"})";
  const AuthResult r = room.check(memberWith(test::kEve, test::kEve, content));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "not signed by the authorising server")) << r.reason;
  EXPECT_TRUE(
      room.check(memberWith(test::kEve, test::kEve, content).signedBy("example.com")).allowed);
}

TEST(AuthMember, SignatureHookDecidesRule42) {
  TestRoom room = TestRoom::standard("restricted");
  const std::string content =
      R"({"membership":"join","join_authorised_via_users_server":"@alice:example.com"})";
  AuthHooks hooks;
  std::string asked;
  hooks.signed_by = [&asked](const Event&, std::string_view server) {
    asked = std::string(server);
    return false;
  };
  auto join = memberWith(test::kEve, test::kEve, content).signedBy("example.com");
  EXPECT_FALSE(room.check(join, hooks).allowed);
  EXPECT_EQ(asked, "example.com");
}

// ---- 4.3 join ----

TEST(AuthMemberJoin, CreatorsFirstJoinRightAfterCreate) {  // 4.3.1
  TestRoom room = TestRoom::bare();
  EXPECT_TRUE(room.check(member(kAlice, kAlice, "join")).allowed);
  const AuthResult r = room.check(member(kBob, kBob, "join"));
  EXPECT_FALSE(r.allowed);  // no join_rules: read as invite, and Bob is not invited
}

TEST(AuthMemberJoin, V10CreatorIsContentCreator) {  // 4.3.1 in v10
  TestRoom room = TestRoom::bare("10");
  EXPECT_TRUE(room.check(member(kAlice, kAlice, "join")).allowed);
  EXPECT_FALSE(room.check(member(kBob, kBob, "join")).allowed);
}

TEST(AuthMemberJoin, CreatorJoinLaterIsAnOrdinaryJoin) {  // 4.3.1 needs create as only prev
  TestRoom room = TestRoom::bare();
  room.force(stateEvent(kAlice, "m.room.topic", "", "{}"));
  EXPECT_FALSE(room.check(member(kAlice, kAlice, "join")).allowed);
}

TEST(AuthMemberJoin, CannotJoinSomeoneElse) {  // 4.3.2
  TestRoom room = TestRoom::standard();
  const AuthResult r = room.check(member(kAlice, kBob, "join"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "someone else")) << r.reason;
}

TEST(AuthMemberJoin, BannedUserCannotJoinPublicRoom) {  // 4.3.3
  TestRoom room = TestRoom::standard();
  room.mustSend(member(kAlice, kBob, "ban"));
  const AuthResult r = room.check(member(kBob, kBob, "join"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "banned")) << r.reason;
}

TEST(AuthMemberJoin, InviteRoomNeedsAnInvite) {  // 4.3.4
  TestRoom room = TestRoom::standard("invite");
  const AuthResult r = room.check(member(kBob, kBob, "join"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "not invited")) << r.reason;
  room.mustSend(member(kAlice, kBob, "invite"));
  EXPECT_TRUE(room.check(member(kBob, kBob, "join")).allowed);
}

TEST(AuthMemberJoin, KnockRoomAdmitsInvitedAndJoined) {  // 4.3.4
  TestRoom room = TestRoom::standard("knock");
  EXPECT_FALSE(room.check(member(kBob, kBob, "join")).allowed);
  EXPECT_TRUE(room.check(member(kAlice, kAlice, "join")).allowed);  // already joined
}

TEST(AuthMemberJoin, RestrictedRoomAdmitsInvitedUsers) {  // 4.3.5.1
  TestRoom room = TestRoom::standard("restricted");
  EXPECT_FALSE(room.check(member(kBob, kBob, "join")).allowed);
  room.mustSend(member(kAlice, kBob, "invite"));
  EXPECT_TRUE(room.check(member(kBob, kBob, "join")).allowed);
}

TEST(AuthMemberJoin, RestrictedJoinNeedsJoinedAuthoriserWithInviteLevel) {  // 4.3.5.2-3
  TestRoom room = TestRoom::standard("knock_restricted");
  room.setPowerLevels(R"({"users":{"@alice:example.com":100},"invite":10})");
  room.inviteAndJoin(kCharlie);  // joined but at level 0
  const auto via = [](const std::string& user) {
    return memberWith(
               kBob, kBob,
               R"({"membership":"join","join_authorised_via_users_server":")" + user + R"("})")
        .signedBy("example.com");
  };
  AuthResult r = room.check(via(kCharlie));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "lacks the invite level")) << r.reason;
  r = room.check(via("@dave:example.com"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "is not joined")) << r.reason;
  EXPECT_FALSE(room.check(member(kBob, kBob, "join")).allowed);  // no authoriser at all
  EXPECT_TRUE(room.check(via(kAlice)).allowed);
}

TEST(AuthMemberJoin, PublicRoomAdmitsAnyone) {  // 4.3.6
  TestRoom room = TestRoom::standard("public");
  EXPECT_TRUE(room.check(member(kBob, kBob, "join")).allowed);
}

TEST(AuthMemberJoin, OtherJoinRulesAdmitNobody) {  // 4.3.7
  TestRoom room = TestRoom::standard("private");
  room.mustSend(member(kAlice, kBob, "invite"));
  const AuthResult r = room.check(member(kBob, kBob, "join"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "admits nobody")) << r.reason;
}

// ---- 4.4 invite ----

TEST(AuthMemberInvite, SenderMustBeJoined) {  // 4.4.2
  TestRoom room = TestRoom::standard("invite");
  const AuthResult r = room.check(member(kBob, kCharlie, "invite"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "not joined")) << r.reason;
}

TEST(AuthMemberInvite, TargetMustNotBeJoinedOrBanned) {  // 4.4.3
  TestRoom room = moderatedRoom();
  EXPECT_FALSE(room.check(member(kAlice, kBob, "invite")).allowed);
  room.mustSend(member(kAlice, kCharlie, "ban"));
  const AuthResult r = room.check(member(kAlice, kCharlie, "invite"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "banned")) << r.reason;
  EXPECT_TRUE(room.check(member(kAlice, "@dave:example.com", "invite")).allowed);
}

TEST(AuthMemberInvite, SenderNeedsInviteLevel) {  // 4.4.4-5
  TestRoom room = TestRoom::standard();
  room.setPowerLevels(R"({"users":{"@alice:example.com":100,"@bob:example.com":50},"invite":50})");
  room.join(kBob);
  room.join(kCharlie);
  EXPECT_TRUE(room.check(member(kBob, "@dave:example.com", "invite")).allowed);
  const AuthResult r = room.check(member(kCharlie, "@dave:example.com", "invite"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "invite level")) << r.reason;
}

// ---- 4.5 leave ----

TEST(AuthMemberLeave, UsersMayLeaveFromInviteJoinOrKnock) {  // 4.5.1
  TestRoom room = TestRoom::standard("knock");
  room.mustSend(member(kAlice, kBob, "invite"));
  EXPECT_TRUE(room.check(member(kBob, kBob, "leave")).allowed);  // rejects the invite
  room.mustSend(member(kCharlie, kCharlie, "knock"));
  EXPECT_TRUE(room.check(member(kCharlie, kCharlie, "leave")).allowed);  // withdraws
  EXPECT_TRUE(room.check(member(kAlice, kAlice, "leave")).allowed);
}

TEST(AuthMemberLeave, NonMembersAndBannedUsersCannotLeave) {  // 4.5.1
  TestRoom room = TestRoom::standard();
  EXPECT_FALSE(room.check(member(kBob, kBob, "leave")).allowed);
  room.mustSend(member(kAlice, kCharlie, "ban"));
  EXPECT_FALSE(room.check(member(kCharlie, kCharlie, "leave")).allowed);
}

TEST(AuthMemberLeave, KickerMustBeJoined) {  // 4.5.2
  TestRoom room = moderatedRoom();
  room.mustSend(member(kBob, kBob, "leave"));
  const AuthResult r = room.check(member(kBob, kCharlie, "leave"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "not joined")) << r.reason;
}

TEST(AuthMemberLeave, UnbanNeedsTheBanLevel) {  // 4.5.3
  TestRoom room = moderatedRoom();              // ban 60: Bob (50) can kick but not ban
  room.mustSend(member(kAlice, "@dave:example.com", "ban"));
  const AuthResult r = room.check(member(kBob, "@dave:example.com", "leave"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "ban level")) << r.reason;
  EXPECT_TRUE(room.check(member(kAlice, "@dave:example.com", "leave")).allowed);
}

TEST(AuthMemberLeave, KickNeedsKickLevelAndMorePowerThanTarget) {  // 4.5.4-5
  TestRoom room = moderatedRoom();
  EXPECT_TRUE(room.check(member(kBob, kCharlie, "leave")).allowed);
  EXPECT_FALSE(room.check(member(kCharlie, kBob, "leave")).allowed);  // below kick level
  EXPECT_FALSE(room.check(member(kBob, kAlice, "leave")).allowed);    // target outranks
  room.setPowerLevels(R"({"users":{"@alice:example.com":100,"@bob:example.com":50,)"
                      R"("@charlie:example.com":50}})");
  EXPECT_FALSE(room.check(member(kBob, kCharlie, "leave")).allowed);  // equal power
}

// ---- 4.6 ban ----

TEST(AuthMemberBan, SenderMustBeJoined) {  // 4.6.1
  TestRoom room = moderatedRoom();
  room.mustSend(member(kAlice, kAlice, "leave"));
  EXPECT_FALSE(room.check(member(kAlice, kCharlie, "ban")).allowed);
}

TEST(AuthMemberBan, NeedsBanLevelAndMorePowerThanTarget) {  // 4.6.2-3
  TestRoom room = moderatedRoom();
  EXPECT_TRUE(room.check(member(kAlice, kBob, "ban")).allowed);
  EXPECT_TRUE(room.check(member(kAlice, "@never:example.com", "ban")).allowed);
  const AuthResult r = room.check(member(kBob, kCharlie, "ban"));  // 50 < ban 60
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "ban level")) << r.reason;
  room.setPowerLevels(R"({"users":{"@alice:example.com":100,"@bob:example.com":100}})");
  EXPECT_FALSE(room.check(member(kBob, kAlice, "ban")).allowed);  // peers cannot ban
}

// ---- 4.7 knock ----

TEST(AuthMemberKnock, OnlyInKnockRooms) {  // 4.7.1
  TestRoom room = TestRoom::standard("invite");
  const AuthResult r = room.check(member(kBob, kBob, "knock"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "knocking")) << r.reason;
  EXPECT_TRUE(TestRoom::standard("knock").check(member(kBob, kBob, "knock")).allowed);
  EXPECT_TRUE(TestRoom::standard("knock_restricted").check(member(kBob, kBob, "knock")).allowed);
}

TEST(AuthMemberKnock, OnlyForYourself) {  // 4.7.2
  TestRoom room = TestRoom::standard("knock");
  EXPECT_FALSE(room.check(member(kAlice, kBob, "knock")).allowed);
}

TEST(AuthMemberKnock, NotWhenBannedInvitedOrJoined) {  // 4.7.3-4
  TestRoom room = TestRoom::standard("knock");
  EXPECT_FALSE(room.check(member(kAlice, kAlice, "knock")).allowed);
  room.mustSend(member(kAlice, kBob, "invite"));
  EXPECT_FALSE(room.check(member(kBob, kBob, "knock")).allowed);
  room.mustSend(member(kAlice, kCharlie, "ban"));
  EXPECT_FALSE(room.check(member(kCharlie, kCharlie, "knock")).allowed);
  room.mustSend(member(kBob, kBob, "leave"));
  EXPECT_TRUE(room.check(member(kBob, kBob, "knock")).allowed);
}

}  // namespace
}  // namespace hs::rooms
