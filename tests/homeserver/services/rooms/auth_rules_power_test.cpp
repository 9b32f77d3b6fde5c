// Auth rule 9: m.room.power_levels changes, one test per numbered rule.
#include <gtest/gtest.h>

#include "homeserver/services/rooms/auth_rules.h"
#include "room_builder.h"

namespace hs::rooms {
namespace {

using test::kAlice;
using test::kBob;
using test::kCharlie;
using test::stateEvent;
using test::TestRoom;

bool has(const AuthResult& r, std::string_view words) {
  return r.reason.find(words) != std::string::npos;
}

// Users' levels as JSON for the fixture's fixed cast.
const std::string kUsers =
    R"("users":{"@alice:example.com":100,"@bob:example.com":50,"@charlie:example.com":50,)"
    R"("@dave:example.com":30})";

class AuthPowerLevels : public ::testing::Test {
 protected:
  void SetUp() override {
    room_.setPowerLevels("{" + kUsers +
                         R"(,"redact":75,"events":{"m.room.tombstone":75,"m.room.name":40},)"
                         R"("notifications":{"room":75}})");
    room_.join(kBob);
  }
  // Bob (level 50) proposes `rest` next to the unchanged users map.
  AuthResult bobSets(const std::string& rest, const std::string& users = kUsers) {
    const std::string sep = rest.empty() ? "" : ",";
    return room_.check(stateEvent(kBob, "m.room.power_levels", "", "{" + users + sep + rest + "}"));
  }
  // The unchanged maps, to which a test adds one change.
  static std::string events(const std::string& extra = "") {
    return R"("events":{"m.room.tombstone":75,"m.room.name":40)" + extra + "}";
  }
  static std::string unchanged() {
    return R"("redact":75,)" + events() + R"(,"notifications":{"room":75})";
  }

  TestRoom room_ = TestRoom::standard();
};

TEST_F(AuthPowerLevels, UnchangedContentIsAllowed) {
  const AuthResult r = bobSets(unchanged());
  EXPECT_TRUE(r.allowed) << r.reason;
}

TEST_F(AuthPowerLevels, RejectsNonIntegerTopLevelValues) {  // 9.1
  const AuthResult r = bobSets(unchanged() + R"(,"kick":"50")");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "'kick' must be an integer")) << r.reason;
}

TEST_F(AuthPowerLevels, RejectsNonIntegerEventsOrNotifications) {  // 9.2
  EXPECT_FALSE(bobSets(R"("redact":75,"notifications":{"room":75},)" +
                       std::string(R"("events":{"m.room.tombstone":"75","m.room.name":40})"))
                   .allowed);
  EXPECT_FALSE(bobSets(R"("redact":75,)" + events() + R"(,"notifications":{"room":7.5})").allowed);
}

TEST_F(AuthPowerLevels, RejectsInvalidUsers) {  // 9.3
  const AuthResult r = bobSets(unchanged(), R"("users":{"alice":100})");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "invalid user ID")) << r.reason;
}

TEST(AuthPowerLevelsFirst, FirstPowerLevelsIsAllowedAsWritten) {  // 9.4
  TestRoom room = TestRoom::bare();
  room.join(kAlice);
  // Anything well formed goes, even levels above the creator's 100.
  EXPECT_TRUE(room.check(stateEvent(kAlice, "m.room.power_levels", "",
                                    R"({"users":{"@bob:example.com":500},"ban":900})"))
                  .allowed);
  EXPECT_FALSE(room.check(stateEvent(kAlice, "m.room.power_levels", "", R"({"ban":"9"})")).allowed);
}

TEST_F(AuthPowerLevels, TopLevelChangesStayWithinSendersLevel) {  // 9.5
  EXPECT_TRUE(bobSets(unchanged() + R"(,"kick":40)").allowed);    // added, 40 <= 50
  EXPECT_FALSE(bobSets(unchanged() + R"(,"kick":60)").allowed);   // added, 60 > 50
  const AuthResult r = bobSets(R"("redact":50,)" + events() + R"(,"notifications":{"room":75})");
  EXPECT_FALSE(r.allowed);  // old 75 > 50
  EXPECT_TRUE(has(r, "'redact'")) << r.reason;
  EXPECT_FALSE(bobSets(events() + R"(,"notifications":{"room":75})").allowed);  // removed 75
}

TEST_F(AuthPowerLevels, ChangedOrRemovedEventEntriesNeedOldValueInReach) {  // 9.6
  const std::string rest = R"(,"notifications":{"room":75})";
  EXPECT_FALSE(bobSets(R"("redact":75,"events":{"m.room.name":40})" + rest).allowed);
  EXPECT_FALSE(
      bobSets(R"("redact":75,"events":{"m.room.tombstone":50,"m.room.name":40})" + rest).allowed);
  EXPECT_TRUE(
      bobSets(R"("redact":75,"events":{"m.room.tombstone":75,"m.room.name":10})" + rest).allowed);
  EXPECT_TRUE(bobSets(R"("redact":75,"events":{"m.room.tombstone":75})" + rest).allowed);
}

TEST_F(AuthPowerLevels, AddedOrChangedEventEntriesNeedNewValueInReach) {  // 9.7
  const std::string before = R"("redact":75,)";
  const std::string after = R"(,"notifications":{"room":75})";
  EXPECT_TRUE(bobSets(before + events(R"(,"m.room.topic":50)") + after).allowed);
  const AuthResult r = bobSets(before + events(R"(,"m.room.topic":51)") + after);
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "events['m.room.topic']")) << r.reason;
}

TEST_F(AuthPowerLevels, NotificationsFollowTheSameRules) {  // 9.6-9.7
  const std::string base = R"("redact":75,)" + events();
  EXPECT_FALSE(bobSets(base + R"(,"notifications":{"room":50})").allowed);
  EXPECT_FALSE(bobSets(base + R"(,"notifications":{"room":75,"x":60})").allowed);
  EXPECT_TRUE(bobSets(base + R"(,"notifications":{"room":75,"x":50})").allowed);
}

TEST_F(AuthPowerLevels, CannotChangePeersOrBetters) {  // 9.8
  const std::string demote_charlie =
      R"("users":{"@alice:example.com":100,"@bob:example.com":50,"@charlie:example.com":0,)"
      R"("@dave:example.com":30})";
  AuthResult r = bobSets(unchanged(), demote_charlie);
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "at least your level")) << r.reason;
  const std::string remove_alice =
      R"("users":{"@bob:example.com":50,"@charlie:example.com":50,"@dave:example.com":30})";
  EXPECT_FALSE(bobSets(unchanged(), remove_alice).allowed);
  const std::string demote_dave =
      R"("users":{"@alice:example.com":100,"@bob:example.com":50,"@charlie:example.com":50,)"
      R"("@dave:example.com":0})";
  EXPECT_TRUE(bobSets(unchanged(), demote_dave).allowed);
}

TEST_F(AuthPowerLevels, MayLowerOwnLevel) {  // 9.8 excludes the sender's own entry
  const std::string demote_self =
      R"("users":{"@alice:example.com":100,"@bob:example.com":10,"@charlie:example.com":50,)"
      R"("@dave:example.com":30})";
  EXPECT_TRUE(bobSets(unchanged(), demote_self).allowed);
}

TEST_F(AuthPowerLevels, CannotRaiseAnyoneAboveOwnLevel) {  // 9.9
  const std::string raise_dave =
      R"("users":{"@alice:example.com":100,"@bob:example.com":50,"@charlie:example.com":50,)"
      R"("@dave:example.com":51})";
  AuthResult r = bobSets(unchanged(), raise_dave);
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "above your own level")) << r.reason;
  const std::string add_eve =
      R"("users":{"@alice:example.com":100,"@bob:example.com":50,)"
      R"("@charlie:example.com":50,"@dave:example.com":30,"@eve:x.org":50})";
  EXPECT_TRUE(bobSets(unchanged(), add_eve).allowed);
  const std::string raise_self =
      R"("users":{"@alice:example.com":100,"@bob:example.com":60,"@charlie:example.com":50,)"
      R"("@dave:example.com":30})";
  EXPECT_FALSE(bobSets(unchanged(), raise_self).allowed);
}

TEST_F(AuthPowerLevels, NeedsRule7LevelToSendPowerLevelsAtAll) {  // rule 7 before rule 9
  const std::string locked = R"("redact":75,)" + events(R"(,"m.room.power_levels":100)") +
                             R"(,"notifications":{"room":75})";
  room_.setPowerLevels("{" + kUsers + "," + locked + "}");
  const AuthResult r = bobSets(locked);
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "below the 100")) << r.reason;
}

}  // namespace
}  // namespace hs::rooms
