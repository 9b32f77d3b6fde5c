// Auth rules 1, 2, 3, 5-8 and 10, and the auth-event selection. Rule 4 is in
// auth_rules_member_test.cpp and rule 9 in auth_rules_power_test.cpp.
#include "homeserver/services/rooms/auth_rules.h"

#include <gtest/gtest.h>

#include <deque>

#include "room_builder.h"

namespace hs::rooms {
namespace {

using test::EventBuilder;
using test::kAlice;
using test::kBob;
using test::kEve;
using test::member;
using test::stateEvent;
using test::TestRoom;

bool has(const AuthResult& r, std::string_view words) {
  return r.reason.find(words) != std::string::npos;
}

EventBuilder create(const std::string& content, const std::string& sender = kAlice) {
  return stateEvent(sender, "m.room.create", "", content).id("$create:example.com");
}

AuthResult checkAlone(const EventBuilder& b, std::string_view version = "11") {
  const Event e = b.build(version);
  const EventStateMap empty;
  return authCheck(e, lookupIn(empty), version);
}

// ---- Rule 1: m.room.create ----

TEST(AuthCreate, AllowsWellFormedCreate) {
  EXPECT_TRUE(checkAlone(create(R"({"room_version":"11"})")).allowed);
  EXPECT_TRUE(
      checkAlone(create(R"({"room_version":"10","creator":"@alice:example.com"})"), "10").allowed);
}

TEST(AuthCreate, RejectsPrevEvents) {
  const AuthResult r = checkAlone(create(R"({"room_version":"11"})").prev({"$before"}));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "prev_events")) << r.reason;
}

TEST(AuthCreate, RejectsRoomIdOnAnotherServer) {
  EXPECT_FALSE(checkAlone(create(R"({"room_version":"11"})", kEve)).allowed);
  EXPECT_TRUE(checkAlone(create(R"({"room_version":"11"})", kEve).room("!r:other.org")).allowed);
}

TEST(AuthCreate, RejectsUnknownRoomVersion) {
  EXPECT_FALSE(checkAlone(create(R"({"room_version":"99"})")).allowed);
  EXPECT_FALSE(checkAlone(create(R"({"room_version":11})")).allowed);
  EXPECT_FALSE(checkAlone(create("{}")).allowed);  // absent means "1"
}

TEST(AuthCreate, V10RequiresCreatorButV11DoesNot) {
  const AuthResult r = checkAlone(create(R"({"room_version":"10"})"), "10");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "creator")) << r.reason;
  EXPECT_TRUE(checkAlone(create(R"({"room_version":"11"})"), "11").allowed);
}

TEST(AuthCheck, RefusesUnsupportedRoomVersion) {
  TestRoom room = TestRoom::standard();
  const Event e = room.complete(test::message(kAlice));
  EXPECT_FALSE(authCheck(e, room.lookup(), "13").allowed);
  EXPECT_TRUE(authCheck(e, room.lookup(), "11").allowed);
}

TEST(AuthCheck, RefusesWithoutCreateInState) {
  TestRoom room = TestRoom::standard();
  const Event e = room.complete(test::message(kAlice));
  const EventStateMap empty;
  EXPECT_FALSE(authCheck(e, lookupIn(empty), "11").allowed);
}

// ---- Rule 2: the event's own auth_events ----

class AuthAuthEvents : public ::testing::Test {
 protected:
  // The events named by e.auth_events, looked up in the room.
  std::vector<const Event*> authOf(const Event& e) {
    std::vector<const Event*> out;
    for (const auto& id : e.auth_events) {
      out.push_back(room_.get(id));
    }
    return out;
  }
  const Event& add(EventBuilder b) { return extra_.emplace_back(b.build()); }
  std::string currentId(const std::string& type) { return room_.current(type, "").event_id; }

  TestRoom room_ = TestRoom::standard();
  std::deque<Event> extra_;
};

TEST_F(AuthAuthEvents, AllowsTheSelectedAuthEvents) {
  const Event e = room_.complete(test::message(kAlice));
  EXPECT_EQ(e.auth_events.size(), 3u);
  EXPECT_TRUE(checkAuthEvents(e, authOf(e), "11").allowed);
  EXPECT_TRUE(authCheckAgainstAuthEvents(e, authOf(e), "11").allowed);
}

TEST_F(AuthAuthEvents, RejectsDuplicateKeys) {
  const Event& dup = add(create(R"({"room_version":"11"})").id("$create2:example.com"));
  const Event e =
      room_.complete(test::message(kAlice).auth({currentId("m.room.create"), dup.event_id}));
  const AuthResult r = checkAuthEvents(e, {room_.get(e.auth_events[0]), &dup}, "11");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "twice")) << r.reason;
}

TEST_F(AuthAuthEvents, RejectsKeysTheSelectionWouldNotPick) {
  const Event e = room_.complete(
      test::message(kAlice).auth({currentId("m.room.create"), currentId("m.room.join_rules")}));
  const AuthResult r = checkAuthEvents(e, authOf(e), "11");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "may cite")) << r.reason;
}

TEST_F(AuthAuthEvents, RejectsRejectedAuthEvent) {
  const Event e = room_.complete(test::message(kAlice));
  Event pl = room_.current("m.room.power_levels", "");
  pl.rejected = true;
  std::vector<const Event*> auth = authOf(e);
  for (auto& a : auth) {
    if (a->type == "m.room.power_levels") {
      a = &pl;
    }
  }
  const AuthResult r = checkAuthEvents(e, auth, "11");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "rejected")) << r.reason;
}

TEST_F(AuthAuthEvents, RejectsMissingCreate) {
  const Event e = room_.complete(test::message(kAlice).auth({currentId("m.room.power_levels")}));
  const AuthResult r = checkAuthEvents(e, authOf(e), "11");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "m.room.create")) << r.reason;
}

TEST_F(AuthAuthEvents, RejectsAuthEventFromAnotherRoom) {
  const Event& other =
      add(create(R"({"room_version":"11"})").id("$other:example.com").room("!other:example.com"));
  const Event e = room_.complete(test::message(kAlice).auth({other.event_id}));
  const AuthResult r = checkAuthEvents(e, {&other}, "11");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "another room")) << r.reason;
}

TEST_F(AuthAuthEvents, RejectsUnavailableAuthEvent) {
  const Event e = room_.complete(test::message(kAlice));
  std::vector<const Event*> auth = authOf(e);
  auth.back() = nullptr;
  EXPECT_FALSE(checkAuthEvents(e, auth, "11").allowed);
}

TEST_F(AuthAuthEvents, AgainstAuthEventsUsesOnlyThoseEvents) {
  // Bob is joined, but a message that cites no member event for him fails rule 5.
  room_.join(kBob);
  const Event e = room_.complete(test::message(kBob).auth({currentId("m.room.create")}));
  EXPECT_TRUE(checkAuthEvents(e, authOf(e), "11").allowed);
  EXPECT_FALSE(authCheckAgainstAuthEvents(e, authOf(e), "11").allowed);
  const Event cites_bob = room_.complete(test::message(kBob));
  EXPECT_TRUE(authCheckAgainstAuthEvents(cites_bob, authOf(cites_bob), "11").allowed);
}

TEST_F(AuthAuthEvents, CreateNeedsNoAuthEvents) {
  EXPECT_TRUE(
      authCheckAgainstAuthEvents(create(R"({"room_version":"11"})").build(), {}, "11").allowed);
}

// ---- Rule 3: m.federate ----

TEST(AuthFederate, LocalOnlyRoomRefusesOtherServers) {
  TestRoom room = TestRoom::standard("public", "11", R"("m.federate":false)");
  const AuthResult r = room.check(member(kEve, kEve, "join"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "federate")) << r.reason;
  EXPECT_TRUE(room.check(member(kBob, kBob, "join")).allowed);
}

TEST(AuthFederate, FederatingRoomAdmitsOtherServers) {
  TestRoom room = TestRoom::standard("public", "11", R"("m.federate":true)");
  EXPECT_TRUE(room.check(member(kEve, kEve, "join")).allowed);
}

// ---- Rule 5: the sender must be joined ----

TEST(AuthSenderJoined, RefusesEventsFromNonMembers) {
  TestRoom room = TestRoom::standard();
  const AuthResult r = room.check(test::message(kBob));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "not joined")) << r.reason;
  room.join(kBob);
  EXPECT_TRUE(room.check(test::message(kBob)).allowed);
}

TEST(AuthSenderJoined, InvitedUserCannotSendYet) {
  TestRoom room = TestRoom::standard("invite");
  room.mustSend(member(kAlice, kBob, "invite"));
  EXPECT_FALSE(room.check(test::message(kBob)).allowed);
}

// ---- Rule 6: m.room.third_party_invite ----

TEST(AuthThirdPartyInviteEvent, NeedsTheInviteLevel) {
  TestRoom room = TestRoom::standard();
  room.setPowerLevels(R"({"users":{"@alice:example.com":100},"invite":50,)"
                      R"("events":{"m.room.third_party_invite":0}})");
  room.join(kBob);
  const auto tpi = [](const std::string& sender) {
    return stateEvent(sender, "m.room.third_party_invite", "tok", R"({"public_key":"k"})");
  };
  const AuthResult r = room.check(tpi(kBob));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "invite level")) << r.reason;
  EXPECT_TRUE(room.check(tpi(kAlice)).allowed);
}

// ---- Rule 7: the required power level ----

TEST(AuthRequiredLevel, StateEventsNeedStateDefault) {
  TestRoom room = TestRoom::standard();
  room.join(kBob);
  const auto topic = [](const std::string& sender) {
    return stateEvent(sender, "m.room.topic", "", R"({"topic":"t"})");
  };
  const AuthResult r = room.check(topic(kBob));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "below the 50")) << r.reason;
  EXPECT_TRUE(room.check(topic(kAlice)).allowed);
}

TEST(AuthRequiredLevel, EventsMapOverridesDefaults) {
  TestRoom room = TestRoom::standard();
  room.setPowerLevels(R"({"users":{"@alice:example.com":100,"@bob:example.com":10},)"
                      R"("events":{"m.room.message":20,"m.room.topic":10}})");
  room.join(kBob);
  EXPECT_FALSE(room.check(test::message(kBob)).allowed);
  EXPECT_TRUE(room.check(stateEvent(kBob, "m.room.topic", "", "{}")).allowed);
}

// ---- Rule 8: state keys naming users ----

TEST(AuthUserStateKey, OnlyTheNamedUserMaySetIt) {
  TestRoom room = TestRoom::standard();
  const AuthResult r = room.check(stateEvent(kAlice, "org.example.status", kBob, "{}"));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "'@'")) << r.reason;
  EXPECT_TRUE(room.check(stateEvent(kAlice, "org.example.status", kAlice, "{}")).allowed);
}

// ---- Rule 10: everything else, redactions included ----

TEST(AuthOtherwise, RedactionNeedsOnlyItsEventLevel) {
  // The redact level (50) is not an auth rule: it is applied when the redaction takes effect.
  TestRoom room = TestRoom::standard();
  room.join(kBob);
  EventBuilder redaction("m.room.redaction", kBob);
  redaction.content(R"({"redacts":"$someone_elses"})");
  EXPECT_TRUE(room.check(redaction).allowed);
  room.setPowerLevels(R"({"users":{"@alice:example.com":100},"events":{"m.room.redaction":1}})");
  EXPECT_FALSE(room.check(redaction).allowed);
}

// ---- Auth-event selection ----

std::vector<StateKey> keysFor(const EventBuilder& b) {
  const auto content = json::parseObject(b.contentText());
  return authKeysFor(b.type(), b.stateKey(), b.sender(), content);
}

TEST(AuthEventsFor, CreateCitesNothing) { EXPECT_TRUE(keysFor(create("{}")).empty()); }

TEST(AuthEventsFor, MessageCitesCreatePowerLevelsAndSender) {
  const std::vector<StateKey> want{
      {"m.room.create", ""}, {"m.room.power_levels", ""}, {"m.room.member", kBob}};
  EXPECT_EQ(keysFor(test::message(kBob)), want);
}

TEST(AuthEventsFor, JoinAddsJoinRulesAndLeaveDoesNot) {
  const std::vector<StateKey> join{{"m.room.create", ""},
                                   {"m.room.power_levels", ""},
                                   {"m.room.member", kBob},
                                   {"m.room.join_rules", ""}};
  EXPECT_EQ(keysFor(member(kBob, kBob, "join")), join);
  const std::vector<StateKey> kick{{"m.room.create", ""},
                                   {"m.room.power_levels", ""},
                                   {"m.room.member", kAlice},
                                   {"m.room.member", kBob}};
  EXPECT_EQ(keysFor(member(kAlice, kBob, "leave")), kick);
}

TEST(AuthEventsFor, ThirdPartyInviteAndAuthorisingUser) {
  const auto invite = keysFor(test::memberWith(
      kAlice, kBob, R"({"membership":"invite","third_party_invite":{"signed":{"token":"t1"}}})"));
  EXPECT_EQ(invite.back(), (StateKey{"m.room.third_party_invite", "t1"}));
  const auto join = keysFor(test::memberWith(
      kBob, kBob,
      R"({"membership":"join","join_authorised_via_users_server":"@alice:example.com"})"));
  EXPECT_EQ(join.back(), (StateKey{"m.room.member", kAlice}));
}

TEST(AuthEventsFor, PicksCurrentStateEntriesThatExist) {
  TestRoom room = TestRoom::standard();
  const auto content = json::parseObject(R"({"membership":"join"})");
  const auto ids = authEventsFor("m.room.member", kBob, kBob, content, room.state());
  const std::vector<std::string> want{room.current("m.room.create", "").event_id,
                                      room.current("m.room.power_levels", "").event_id,
                                      room.current("m.room.join_rules", "").event_id};
  EXPECT_EQ(ids, want);  // Bob has no member event yet
}

}  // namespace
}  // namespace hs::rooms
