#include "homeserver/core/redaction.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"
#include "tests/homeserver/core/vectors.h"

namespace hs::core {
namespace {

using test::canon;
using test::parse;

ErrCode errorFor(const json::Value& event, const std::string& room_version) {
  try {
    redactEvent(event, room_version);
  } catch (const MatrixError& e) {
    return e.code();
  }
  return ErrCode::Unknown;
}

TEST(Redact, DerivedExamplesUnderV10Rules) {
  const auto vec = test::loadVectors("derived/redaction_examples.json");
  ASSERT_EQ(vec["cases"].Size(), 8u);
  for (const auto& c : vec["cases"].GetArray()) {
    EXPECT_EQ(canon(redactEvent(c["input"], "10")), canon(c["expected_v10"]))
        << test::str(c["type"]);
  }
}

TEST(Redact, DerivedExamplesUnderV11AndV12Rules) {
  const auto vec = test::loadVectors("derived/redaction_examples.json");
  for (const auto& c : vec["cases"].GetArray()) {
    for (const char* version : {"11", "12"}) {
      EXPECT_EQ(canon(redactEvent(c["input"], version)), canon(c["expected_v11_and_v12"]))
          << test::str(c["type"]) << " v" << version;
    }
  }
}

// Rooms v1-v9 keep less than v10 (content/rooms/fragments/v*-redactions.md): the derived v10
// results minus what each version lacks, the same vectors run through every version.
TEST(Redact, DerivedExamplesUnderEveryVersionBeforeV11) {
  const auto vec = test::loadVectors("derived/redaction_examples.json");
  for (int v = 1; v <= 10; ++v) {
    const std::string version = std::to_string(v);
    for (const auto& c : vec["cases"].GetArray()) {
      auto expected = test::copyOf(c["expected_v10"]);
      const std::string type = test::str(c["type"]);
      if (type == "m.room.member" && v < 9) {
        expected["content"].RemoveMember("join_authorised_via_users_server");
      }
      if (type == "m.room.join_rules" && v < 8) {
        expected["content"].RemoveMember("allow");
      }
      EXPECT_EQ(canon(redactEvent(c["input"], version)), canon(expected)) << type << " v" << version;
    }
  }
}

// m.room.aliases kept its `aliases` until room v6 dropped the special case.
TEST(Redact, AliasesKeptBeforeV6) {
  const auto event = parse(R"({"type":"m.room.aliases","content":{"aliases":["#a:b"],"x":1}})");
  for (const char* version : {"1", "2", "3", "4", "5"}) {
    EXPECT_EQ(canon(redactEvent(event, version)),
              R"({"content":{"aliases":["#a:b"]},"type":"m.room.aliases"})") << version;
  }
  for (const char* version : {"6", "7", "8", "9", "10", "11", "12"}) {
    EXPECT_EQ(canon(redactEvent(event, version)), R"({"content":{},"type":"m.room.aliases"})") << version;
  }
}

TEST(Redact, LeavesTheInputUntouched) {
  const auto event = parse(R"({"type":"m.room.message","content":{"body":"x"},"unsigned":{}})");
  const std::string before = canon(event);
  EXPECT_EQ(canon(redactEvent(event, "11")), R"({"content":{},"type":"m.room.message"})");
  EXPECT_EQ(canon(event), before);
}

TEST(Redact, AddsEmptyContentWhenMissingOrNotAnObject) {
  EXPECT_EQ(canon(redactEvent(parse(R"({"type":"m.room.member"})"), "10")),
            R"({"content":{},"type":"m.room.member"})");
  EXPECT_EQ(canon(redactEvent(parse(R"({"type":"m.room.member","content":"x"})"), "11")),
            R"({"content":{},"type":"m.room.member"})");
}

TEST(Redact, V11ThirdPartyInviteWithoutSignedBecomesEmptyObject) {
  const auto event = parse(R"({"type":"m.room.member","content":{"membership":"invite",
      "third_party_invite":{"display_name":"x"}}})");
  EXPECT_EQ(
      canon(redactEvent(event, "11")),
      R"({"content":{"membership":"invite","third_party_invite":{}},"type":"m.room.member"})");
  EXPECT_EQ(canon(redactEvent(event, "10")),
            R"({"content":{"membership":"invite"},"type":"m.room.member"})");
}

TEST(Redact, V11IgnoresNonObjectThirdPartyInvite) {
  const auto event = parse(R"({"type":"m.room.member","content":{"third_party_invite":"s"}})");
  EXPECT_EQ(canon(redactEvent(event, "11")), R"({"content":{},"type":"m.room.member"})");
}

TEST(Redact, KeyListsApplyOnlyToTheirOwnEventType) {
  // `membership` in content survives only for m.room.member; a typeless event keeps nothing.
  const auto topic =
      parse(R"({"type":"m.room.topic","content":{"membership":"join","topic":"t"}})");
  EXPECT_EQ(canon(redactEvent(topic, "11")), R"({"content":{},"type":"m.room.topic"})");
  const auto untyped = parse(R"({"type":7,"content":{"creator":"@a:b"}})");
  EXPECT_EQ(canon(redactEvent(untyped, "11")), R"({"content":{},"type":7})");
}

TEST(Redact, UnknownRoomVersionsAreRejected) {
  const auto event = parse(R"({"type":"m.room.message","content":{}})");
  for (const char* version : {"0", "13", "", "org.example.custom"}) {
    EXPECT_EQ(errorFor(event, version), ErrCode::UnsupportedRoomVersion) << version;
  }
}

TEST(Redact, NonObjectEventIsBadJson) { EXPECT_EQ(errorFor(parse("[]"), "11"), ErrCode::BadJson); }

}  // namespace
}  // namespace hs::core
