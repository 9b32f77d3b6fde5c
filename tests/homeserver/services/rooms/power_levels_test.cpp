#include "homeserver/services/rooms/power_levels.h"

#include <gtest/gtest.h>

#include "room_builder.h"

namespace hs::rooms {
namespace {

using test::kAlice;
using test::kBob;

PowerLevels levels(const std::string& content_json, std::string_view version = "11") {
  const auto doc = json::parseObject(content_json);
  return PowerLevels::fromContent(doc, version);
}

std::optional<std::string> validate(const std::string& content_json) {
  return validatePowerLevelsContent(json::parseObject(content_json));
}

TEST(PowerLevels, DefaultsForMissingKeys) {
  const PowerLevels pl = levels("{}");
  EXPECT_EQ(pl.usersDefault(), 0);
  EXPECT_EQ(pl.eventsDefault(), 0);
  EXPECT_EQ(pl.stateDefault(), 50);
  EXPECT_EQ(pl.invite(), 0);
  EXPECT_EQ(pl.kick(), 50);
  EXPECT_EQ(pl.ban(), 50);
  EXPECT_EQ(pl.redact(), 50);
  EXPECT_EQ(pl.notificationLevel("room"), 50);
  EXPECT_EQ(pl.userLevel(kAlice), 0);
  EXPECT_FALSE(pl.explicitValue("ban").has_value());
}

TEST(PowerLevels, ReadsExplicitValues) {
  const PowerLevels pl =
      levels(R"({"users":{"@alice:example.com":100},"users_default":5,"events_default":10,)"
             R"("state_default":20,"invite":30,"kick":40,"ban":60,"redact":70,)"
             R"("notifications":{"room":80},"events":{"m.room.name":90}})");
  EXPECT_EQ(pl.userLevel(kAlice), 100);
  EXPECT_EQ(pl.userLevel(kBob), 5);
  EXPECT_EQ(pl.eventsDefault(), 10);
  EXPECT_EQ(pl.stateDefault(), 20);
  EXPECT_EQ(pl.invite(), 30);
  EXPECT_EQ(pl.kick(), 40);
  EXPECT_EQ(pl.ban(), 60);
  EXPECT_EQ(pl.redact(), 70);
  EXPECT_EQ(pl.notificationLevel("room"), 80);
  EXPECT_EQ(pl.explicitValue("ban"), 60);
}

TEST(PowerLevels, RequiredLevelUsesEventsThenStateOrEventsDefault) {
  const PowerLevels pl = levels(R"({"events":{"m.room.name":90},"events_default":10})");
  EXPECT_EQ(pl.requiredLevel("m.room.name", true), 90);
  EXPECT_EQ(pl.requiredLevel("m.room.topic", true), 50);
  EXPECT_EQ(pl.requiredLevel("m.room.message", false), 10);
}

TEST(PowerLevels, StringLevelsCountBeforeV10Only) {
  const std::string content = R"({"users":{"@alice:example.com":" 75 "},"ban":"+20"})";
  EXPECT_EQ(levels(content, "9").userLevel(kAlice), 75);
  EXPECT_EQ(levels(content, "9").ban(), 20);
  EXPECT_EQ(levels(content, "10").userLevel(kAlice), 0);
  EXPECT_EQ(levels(content, "10").ban(), 50);
  EXPECT_EQ(levels(R"({"ban":"12abc"})", "9").ban(), 50);
}

TEST(PowerLevels, WithoutPowerLevelsEventCreatorHas100) {
  const Event create = test::stateEvent(kAlice, "m.room.create", "", "{}").id("$c").build("11");
  const PowerLevels pl = PowerLevels::fromState(nullptr, &create, *findRoomVersion("11"));
  EXPECT_EQ(pl.userLevel(kAlice), 100);
  EXPECT_EQ(pl.userLevel(kBob), 0);
  EXPECT_EQ(pl.stateDefault(), 50);
  EXPECT_EQ(pl.requiredLevel("m.room.message", false), 0);
}

TEST(PowerLevels, WithoutPowerLevelsV10CreatorIsContentCreator) {
  const Event create = test::stateEvent(kAlice, "m.room.create", "",
                                        R"({"creator":"@bob:example.com","room_version":"10"})")
                           .id("$c")
                           .build("10");
  const PowerLevels pl = PowerLevels::fromState(nullptr, &create, *findRoomVersion("10"));
  EXPECT_EQ(pl.userLevel(kBob), 100);
  EXPECT_EQ(pl.userLevel(kAlice), 0);
}

TEST(PowerLevels, FromStatePrefersThePowerLevelsEvent) {
  const Event create = test::stateEvent(kAlice, "m.room.create", "", "{}").id("$c").build();
  const Event pl_event =
      test::stateEvent(kAlice, "m.room.power_levels", "", R"({"users":{"@bob:example.com":7}})")
          .id("$pl")
          .build();
  const PowerLevels pl = PowerLevels::fromState(&pl_event, &create, *findRoomVersion("11"));
  EXPECT_EQ(pl.userLevel(kBob), 7);
  EXPECT_EQ(pl.userLevel(kAlice), 0);  // the creator bonus is only for rooms without levels
}

TEST(PowerLevelsValidate, AcceptsWellFormedContent) {
  EXPECT_EQ(validate(R"({"users":{"@a:b.c":1},"events":{"x":2},"notifications":{"room":3},)"
                     R"("ban":4,"kick":5,"redact":6,"invite":7,"users_default":8,)"
                     R"("events_default":9,"state_default":10,"extra":"ignored"})"),
            std::nullopt);
}

TEST(PowerLevelsValidate, RejectsNonIntegerTopLevel) {
  EXPECT_NE(validate(R"({"ban":"50"})"), std::nullopt);
  EXPECT_NE(validate(R"({"kick":50.5})"), std::nullopt);
  EXPECT_NE(validate(R"({"invite":true})"), std::nullopt);
}

TEST(PowerLevelsValidate, RejectsBadEventsAndNotifications) {
  EXPECT_NE(validate(R"({"events":{"m.room.name":"50"}})"), std::nullopt);
  EXPECT_NE(validate(R"({"events":[]})"), std::nullopt);
  EXPECT_NE(validate(R"({"notifications":{"room":null}})"), std::nullopt);
}

TEST(PowerLevelsValidate, RejectsBadUsers) {
  EXPECT_NE(validate(R"({"users":{"not-a-user":50}})"), std::nullopt);
  EXPECT_NE(validate(R"({"users":{"@a:b.c":"50"}})"), std::nullopt);
  EXPECT_NE(validate(R"({"users":[]})"), std::nullopt);
}

}  // namespace
}  // namespace hs::rooms
