// The auth rules where room versions differ (the spec's content/rooms/v*.md): each case is
// allowed in the versions that have the feature and refused in the one before.
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

bool allowedIn(const std::string& version, const std::function<AuthResult(TestRoom&)>& attempt,
               const std::string& join_rule = "public", const std::string& extra_create = "") {
  TestRoom room = TestRoom::standard(join_rule, version, extra_create);
  return attempt(room).allowed;
}

TEST(AuthRulesVersions, StringPowerLevelsAreRefusedFromV10) {
  const auto stringy = [](TestRoom& room) {
    return room.check(stateEvent(kAlice, "m.room.power_levels", "",
                                 R"({"users":{"@alice:example.com":"100"},"ban":"50"})"));
  };
  for (const char* v : {"1", "6", "9"}) {
    EXPECT_TRUE(allowedIn(v, stringy)) << v;
  }
  for (const char* v : {"10", "11", "12"}) {
    EXPECT_FALSE(allowedIn(v, stringy)) << v;
  }
}

TEST(AuthRulesVersions, StringLevelsCountBeforeV10) {
  TestRoom room = TestRoom::standard("public", "9");
  room.join(kBob);
  room.setPowerLevels(R"({"users":{"@alice:example.com":100,"@bob:example.com":"50"}})");
  EXPECT_TRUE(room.check(stateEvent(kBob, "m.room.topic", "", R"({"topic":"t"})")).allowed);
}

// A join vouched for by Alice (who may invite) into a room of `join_rule`.
AuthResult vouchedJoin(TestRoom& room) {
  return room.check(memberWith(kBob, kBob,
                               R"({"membership":"join","join_authorised_via_users_server":")" +
                                   kAlice + "\"}"));
}

TEST(AuthRulesVersions, RestrictedJoinsFromV8) {
  for (const char* v : {"8", "9", "10", "11", "12"}) {
    EXPECT_TRUE(allowedIn(v, vouchedJoin, "restricted")) << v;
  }
  for (const char* v : {"6", "7"}) {
    EXPECT_FALSE(allowedIn(v, vouchedJoin, "restricted")) << v;
  }
  // Without a voucher a restricted room stays closed.
  EXPECT_FALSE(allowedIn("9", [](TestRoom& r) { return r.check(member(kBob, kBob, "join")); }, "restricted"));
}

AuthResult knock(TestRoom& room) { return room.check(member(kBob, kBob, "knock")); }

TEST(AuthRulesVersions, KnockingFromV7) {
  for (const char* v : {"7", "8", "9", "10", "11", "12"}) {
    EXPECT_TRUE(allowedIn(v, knock, "knock")) << v;
  }
  for (const char* v : {"1", "5", "6"}) {
    EXPECT_FALSE(allowedIn(v, knock, "knock")) << v;
  }
}

TEST(AuthRulesVersions, KnockRestrictedFromV10) {
  for (const char* v : {"10", "11", "12"}) {
    EXPECT_TRUE(allowedIn(v, knock, "knock_restricted")) << v;
    EXPECT_TRUE(allowedIn(v, vouchedJoin, "knock_restricted")) << v;
  }
  for (const char* v : {"8", "9"}) {
    EXPECT_FALSE(allowedIn(v, knock, "knock_restricted")) << v;
    EXPECT_FALSE(allowedIn(v, vouchedJoin, "knock_restricted")) << v;
  }
}

TEST(AuthRulesVersions, V12CreatorsAreInfinitelyPowerful) {
  TestRoom room = TestRoom::standard("public", "12", R"("additional_creators":["@bob:example.com"])");
  room.join(kBob);
  room.join(kCharlie);
  // Bob is a creator though the power levels do not list him: he outranks Alice's 100...
  room.setPowerLevels(R"({"users":{"@charlie:example.com":100}})");
  EXPECT_TRUE(room.check(stateEvent(kBob, "m.room.power_levels", "",
                                    R"({"users":{"@charlie:example.com":0}})")).allowed);
  // ...and nobody can kick a creator, not even another creator.
  EXPECT_FALSE(room.check(member(kCharlie, kBob, "leave")).allowed);
  EXPECT_FALSE(room.check(member(kAlice, kBob, "ban")).allowed);
  // Power levels may not list a creator (v12 rule 10.4).
  EXPECT_FALSE(room.check(stateEvent(kAlice, "m.room.power_levels", "",
                                     R"({"users":{"@bob:example.com":100}})")).allowed);
  // Before v12 the same content makes nobody a creator.
  TestRoom v11 = TestRoom::standard("public", "11", R"("additional_creators":["@bob:example.com"])");
  v11.join(kBob);
  EXPECT_FALSE(v11.check(stateEvent(kBob, "m.room.power_levels", "", "{}")).allowed);
}

TEST(AuthRulesVersions, V12EventsDoNotCiteTheCreateEvent) {
  TestRoom room = TestRoom::standard("public", "12");
  EventBuilder cites_create = member(kBob, kBob, "join");
  cites_create.auth({"$create", room.current("m.room.join_rules", "").event_id});
  const Event e = room.complete(cites_create);
  std::vector<const Event*> auth;
  for (const auto& id : e.auth_events) {
    auth.push_back(room.get(id));
  }
  EXPECT_FALSE(checkAuthEvents(e, auth, "12").allowed);
  // In v11 the create event is required.
  TestRoom v11 = TestRoom::standard("public", "11");
  EventBuilder no_create = member(kBob, kBob, "join");
  no_create.auth({v11.current("m.room.join_rules", "").event_id});
  const Event e11 = v11.complete(no_create);
  EXPECT_FALSE(checkAuthEvents(e11, {v11.get(e11.auth_events[0])}, "11").allowed);
}

TEST(AuthRulesVersions, V12RoomIdMustNameTheCreateEvent) {
  TestRoom room = TestRoom::standard("public", "12");
  EXPECT_TRUE(room.check(member(kBob, kBob, "join")).allowed);
  EventBuilder elsewhere = member(kBob, kBob, "join");
  const Event e = room.complete(elsewhere);
  auto doc = json::parseObject(EventBuilder(elsewhere).room("!other").toJson());
  const Event moved = parseEvent(std::move(doc), e.event_id, "12");
  EXPECT_FALSE(authCheck(moved, room.lookup(), "12").allowed);
}

TEST(AuthRulesVersions, AliasesRuleBeforeV6) {
  // Bob never joined: before v6 the aliases of his own server are his to set.
  const auto aliases = [](TestRoom& room) {
    return room.check(stateEvent(kBob, "m.room.aliases", "example.com", R"({"aliases":[]})"));
  };
  for (const char* v : {"1", "3", "5"}) {
    EXPECT_TRUE(allowedIn(v, aliases)) << v;
  }
  EXPECT_FALSE(allowedIn("6", aliases));
}

TEST(AuthRulesVersions, RedactionRuleOfV1AndV2) {
  for (const char* v : {"1", "2", "3"}) {
    TestRoom room = TestRoom::standard("public", v);
    room.join(kBob);
    EventBuilder other_server("m.room.redaction", kBob);
    other_server.top("redacts", R"("$x:other.org")");
    EventBuilder same_server("m.room.redaction", kBob);
    same_server.top("redacts", R"("$x:example.com")");
    const bool v3 = std::string(v) == "3";
    // Bob (level 0) may redact his own server's events; others' need the redact level (v1, v2).
    EXPECT_EQ(room.check(other_server).allowed, v3) << v;
    EXPECT_TRUE(room.check(same_server).allowed) << v;
  }
}

TEST(AuthRulesVersions, CreatorInContentBeforeV11) {
  const EventStateMap nothing;
  for (const char* v : {"1", "5", "10"}) {
    const Event create = stateEvent(kAlice, "m.room.create", "",
                                    std::string(R"({"room_version":")") + v + "\"}")
                             .id("$c:example.com")
                             .build(v);
    EXPECT_FALSE(authCheck(create, lookupIn(nothing), v).allowed) << v;
  }
  const Event v11 =
      stateEvent(kAlice, "m.room.create", "", R"({"room_version":"11"})").id("$c").build("11");
  EXPECT_TRUE(authCheck(v11, lookupIn(nothing), "11").allowed);
}

}  // namespace
}  // namespace hs::rooms
