#include "homeserver/services/rooms/event.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"
#include "room_builder.h"

namespace hs::rooms {
namespace {

using core::ErrCode;
using core::MatrixError;
using test::EventBuilder;
using test::kAlice;

EventBuilder topic() {
  EventBuilder b("m.room.topic", kAlice);
  b.id("$topic:example.com").stateKey("").content(R"({"topic":"hello"})").prev({"$p"}).auth({"$a"});
  return b;
}

// The errcode parseEvent throws for `json_text`, or nullopt when it parses.
std::optional<ErrCode> parseError(const std::string& json_text, std::string id = "$x",
                                  const ParseOptions& options = {}) {
  try {
    parseEvent(json_text, std::move(id), "11", options);
    return std::nullopt;
  } catch (const MatrixError& e) {
    return e.code();
  }
}

// The PDU of topic() with `key` replaced by `json_value` (or removed when empty).
std::string topicWith(const std::string& key, const std::string& json_value) {
  auto doc = json::parseObject(topic().toJson());
  doc.RemoveMember(key.c_str());
  if (!json_value.empty()) {
    json::Document v;
    v.Parse(json_value.c_str());
    doc.AddMember(json::Value(key.c_str(), doc.GetAllocator()), json::Value(v, doc.GetAllocator()),
                  doc.GetAllocator());
  }
  return json::toString(doc);
}

TEST(EventParse, ReadsEveryField) {
  const Event e = topic().ts(1234).depth(7).build();
  EXPECT_EQ(e.event_id, "$topic:example.com");
  EXPECT_EQ(e.room_id, test::kRoomId);
  EXPECT_EQ(e.sender, kAlice);
  EXPECT_EQ(e.type, "m.room.topic");
  ASSERT_TRUE(e.state_key.has_value());
  EXPECT_EQ(*e.state_key, "");
  EXPECT_EQ(e.origin_server_ts, 1234);
  EXPECT_EQ(e.depth, 7);
  EXPECT_EQ(e.prev_events, std::vector<std::string>{"$p"});
  EXPECT_EQ(e.auth_events, std::vector<std::string>{"$a"});
  EXPECT_STREQ(e.content()["topic"].GetString(), "hello");
  EXPECT_TRUE(e.hasSignatureFrom("example.com"));
  EXPECT_FALSE(e.hasSignatureFrom("other.org"));
}

TEST(EventParse, MessageHasNoStateKey) {
  const Event e = test::message(kAlice).id("$m").build();
  EXPECT_FALSE(e.isState());
}

TEST(EventParse, EventIdFallsBackToThePduMember) {
  const std::string text = topic().id("").top("event_id", R"("$stored")").toJson();
  EXPECT_EQ(parseEvent(text, "", "11").event_id, "$stored");
  EXPECT_EQ(parseError(topic().id("").toJson(), ""), ErrCode::BadJson);
}

TEST(EventParse, RedactsIsTopLevelInV10) {
  EventBuilder b("m.room.redaction", kAlice);
  b.id("$r").content(R"({"redacts":"$in_content"})").top("redacts", R"("$top")");
  EXPECT_EQ(b.build("10").redacts, "$top");
}

TEST(EventParse, RedactsIsInContentInV11) {
  EventBuilder b("m.room.redaction", kAlice);
  b.id("$r").content(R"({"redacts":"$in_content"})").top("redacts", R"("$top")");
  EXPECT_EQ(b.build("11").redacts, "$in_content");
  EXPECT_FALSE(topic().build("11").redacts.has_value());
}

TEST(EventParse, RejectsUnsupportedRoomVersion) {
  try {
    parseEvent(topic().toJson(), "$x", "13");
    FAIL() << "room version 13 was accepted";
  } catch (const MatrixError& e) {
    EXPECT_EQ(e.code(), ErrCode::UnsupportedRoomVersion);
  }
}

TEST(EventParse, RejectsInvalidJson) {
  EXPECT_EQ(parseError("{not json"), ErrCode::NotJson);
  EXPECT_EQ(parseError("[]"), ErrCode::BadJson);
}

TEST(EventParse, RejectsMissingOrMistypedFields) {
  EXPECT_EQ(parseError(topicWith("room_id", "")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("room_id", R"("no-bang:x")")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("sender", R"("alice")")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("type", "3")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("state_key", "5")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("content", R"("text")")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("origin_server_ts", R"("1")")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("depth", "-1")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("depth", "9007199254740992")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("prev_events", R"([["$a",{}]])")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("auth_events", "")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("unsigned", "[]")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("hashes", "{}")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("signatures", R"({"example.com":"sig"})")), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("depth", "7")), std::nullopt);
}

TEST(EventParse, RejectsOversizedStateKeyAndType) {
  const std::string long_text = "\"" + std::string(256, 'a') + "\"";
  EXPECT_EQ(parseError(topicWith("state_key", long_text)), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("type", long_text)), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("state_key", "\"" + std::string(255, 'a') + "\"")), std::nullopt);
}

TEST(EventParse, EnforcesListLimitsUnlessTurnedOff) {
  std::string prevs = "[";
  for (int i = 0; i < 21; ++i) {
    prevs += (i > 0 ? ",\"$p" : "\"$p") + std::to_string(i) + "\"";
  }
  prevs += "]";
  const std::string text = topicWith("prev_events", prevs);
  EXPECT_EQ(parseError(text), ErrCode::BadJson);
  EXPECT_EQ(parseError(text, "$x", ParseOptions{.draft = false, .check_list_limits = false}),
            std::nullopt);
}

TEST(EventParse, DraftMayLackHashesAndSignatures) {
  const std::string text = topicWith("signatures", "");
  EXPECT_EQ(parseError(text), ErrCode::BadJson);
  EXPECT_EQ(parseError(topicWith("hashes", ""), "$x", ParseOptions{.draft = true}), std::nullopt);
  EXPECT_EQ(parseError(text, "$x", ParseOptions{.draft = true}), std::nullopt);
}

TEST(EventHelpers, StateAfterReplacesOnlyForStateEvents) {
  StateMap before{{{"m.room.topic", ""}, "$old"}};
  const StateMap after = stateAfter(before, topic().build());
  EXPECT_EQ(after.at({"m.room.topic", ""}), "$topic:example.com");
  EXPECT_EQ(stateAfter(before, test::message(kAlice).id("$m").build()), before);
}

TEST(EventHelpers, DomainsAndUserIds) {
  EXPECT_EQ(domainOf("@a:example.com:8448"), "example.com:8448");
  EXPECT_EQ(domainOf("nocolon"), "");
  EXPECT_TRUE(isValidUserId("@a:example.com"));
  EXPECT_FALSE(isValidUserId("@:example.com"));
  EXPECT_FALSE(isValidUserId("a:example.com"));
  EXPECT_FALSE(isValidUserId("@a:bad host"));
}

TEST(EventHelpers, CreatorComesFromContentInV10AndSenderInV11) {
  EventBuilder b("m.room.create", kAlice);
  b.id("$c").stateKey("").content(R"({"creator":"@someone:example.com"})");
  EXPECT_EQ(roomCreator(b.build("10"), *findRoomVersion("10")), "@someone:example.com");
  EXPECT_EQ(roomCreator(b.build("11"), *findRoomVersion("11")), kAlice);
}

}  // namespace
}  // namespace hs::rooms
