#include <gtest/gtest.h>

#include <cstdint>

#include "homeserver/core/canonical_json.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::json {
namespace {

using core::ErrCode;
using core::MatrixError;

std::string nested(int depth, const std::string& inner = "1") {
  return std::string(depth, '[') + inner + std::string(depth, ']');
}

std::optional<ErrCode> errorOf(std::string_view text) {
  try {
    parseValue(text);
  } catch (const MatrixError& e) {
    return e.code();
  }
  return std::nullopt;
}

TEST(JsonParse, DepthUpToTheLimitParses) {
  const Document doc = parseValue(nested(kMaxDepth));
  EXPECT_TRUE(doc.IsArray());
  EXPECT_TRUE(tryParse(nested(kMaxDepth)).has_value());
  // Walks over what the parser accepts stay within the limit's recursion.
  EXPECT_EQ(core::canonicalJson(doc), nested(kMaxDepth));
}

TEST(JsonParse, DeeperIsBadJsonWithoutRecursion) {
  EXPECT_EQ(errorOf(nested(kMaxDepth + 1)), ErrCode::BadJson);
  EXPECT_FALSE(tryParse(nested(kMaxDepth + 1)).has_value());
  // Far deeper than any thread's stack would survive with a recursive parser.
  const std::string brackets(2'000'000, '[');
  EXPECT_EQ(errorOf(brackets), ErrCode::BadJson);
  EXPECT_FALSE(tryParse(brackets).has_value());
  std::string objects;
  for (int i = 0; i < 300'000; ++i) {
    objects += "{\"a\":";
  }
  EXPECT_EQ(errorOf(objects), ErrCode::BadJson);
  try {
    parseObject(objects);
    FAIL() << "accepted";
  } catch (const MatrixError& e) {
    EXPECT_NE(std::string(e.what()).find("128"), std::string::npos) << e.what();
  }
}

TEST(JsonParse, NulIsRefusedFromClientsOnly) {
  EXPECT_EQ(errorOf(R"({"displayname":"eve\u0000"})"), ErrCode::BadJson);
  EXPECT_EQ(errorOf(R"({"a\u0000b":1})"), ErrCode::BadJson);
  const auto stored = tryParse(R"({"displayname":"eve\u0000"})");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(std::string((*stored)["displayname"].GetString(), (*stored)["displayname"].GetStringLength()),
            std::string("eve\0", 4));
  EXPECT_TRUE(parseValue(R"({"a":"\u0000"})", Nul::kAllow).IsObject());
}

TEST(JsonParse, LoneSurrogatesAreRefusedEverywhere) {
  for (const char* text : {R"(["\udc00"])", R"({"\udfff":1})", R"(["a\udc00b"])"}) {
    EXPECT_EQ(errorOf(text), ErrCode::BadJson) << text;
    EXPECT_FALSE(tryParse(text).has_value()) << text;
  }
  // An unpaired high surrogate is RapidJSON's own parse error.
  EXPECT_EQ(errorOf(R"(["\ud800"])"), ErrCode::NotJson);
  // A proper pair is U+1F600.
  const Document doc = parseValue(R"(["\ud83d\ude00"])");
  EXPECT_EQ(std::string(doc[0].GetString()), "\xF0\x9F\x98\x80");
}

TEST(JsonParse, InvalidJsonAndUtf8AreNotJson) {
  EXPECT_EQ(errorOf(""), ErrCode::NotJson);
  EXPECT_EQ(errorOf("{"), ErrCode::NotJson);
  EXPECT_EQ(errorOf("[1,]"), ErrCode::NotJson);
  EXPECT_EQ(errorOf("\"\xff\""), ErrCode::NotJson);
  EXPECT_EQ(errorOf("\"\xed\xa0\x80\""), ErrCode::NotJson);  // a raw CESU-8 surrogate
  EXPECT_EQ(errorOf("1 2"), ErrCode::NotJson);
  // What RapidJSON's stream helpers let through (json_fuzz): stray BOM bytes and NUL as the end.
  EXPECT_EQ(errorOf("\xbb{}"), ErrCode::NotJson);
  EXPECT_EQ(errorOf("\xef\xbb\xbf{}"), ErrCode::NotJson);
  EXPECT_EQ(errorOf(std::string_view("{}\0junk", 7)), ErrCode::NotJson);
  EXPECT_EQ(errorOf(std::string_view("[\"a\0\"]", 6)), ErrCode::NotJson);
  EXPECT_FALSE(tryParse(std::string_view("{}\0", 3)).has_value());
}

// Numbers are converted by strtod (RapidJSON 1.1.0's full-precision path has undefined
// behaviour on "0e94", found by json_fuzz), typed as RapidJSON types them.
TEST(JsonParse, Numbers) {
  const Document doc = parseValue(
      "[0e94, 0.1, -0, 5, -5, 9223372036854775807, -9223372036854775808, 18446744073709551615, "
      "18446744073709551616, -9223372036854775809, 1e-400, 1.5e300, 4294967296]");
  EXPECT_TRUE(doc[0].IsDouble());
  EXPECT_EQ(doc[0].GetDouble(), 0.0);
  EXPECT_EQ(doc[1].GetDouble(), 0.1);
  EXPECT_TRUE(doc[2].IsInt() && doc[2].GetInt() == 0);
  EXPECT_TRUE(doc[3].IsInt() && doc[3].IsUint() && doc[3].GetInt64() == 5);
  EXPECT_TRUE(doc[4].IsInt() && !doc[4].IsUint() && doc[4].GetInt() == -5);
  EXPECT_TRUE(doc[5].IsInt64() && doc[5].GetInt64() == INT64_MAX);
  EXPECT_TRUE(doc[6].IsInt64() && doc[6].GetInt64() == INT64_MIN);
  EXPECT_TRUE(doc[7].IsUint64() && !doc[7].IsInt64() && doc[7].GetUint64() == UINT64_MAX);
  EXPECT_TRUE(doc[8].IsDouble());
  EXPECT_TRUE(doc[9].IsDouble());
  EXPECT_EQ(doc[10].GetDouble(), 0.0);
  EXPECT_EQ(doc[11].GetDouble(), 1.5e300);
  EXPECT_TRUE(doc[12].IsInt64() && !doc[12].IsInt());
  EXPECT_EQ(toString(doc), "[0.0,0.1,0,5,-5,9223372036854775807,-9223372036854775808,18446744073709551615,"
                           "18446744073709553000.0,-9223372036854776000.0,0.0,1.5e300,4294967296]");
  EXPECT_EQ(errorOf("[1e400]"), ErrCode::NotJson);
  EXPECT_EQ(errorOf("[9e308]"), ErrCode::NotJson);
  EXPECT_EQ(errorOf("[1" + std::string(400, '0') + "]"), ErrCode::NotJson);
  EXPECT_EQ(errorOf("[01]"), ErrCode::NotJson);
  EXPECT_EQ(errorOf("[1.]"), ErrCode::NotJson);
}

TEST(JsonParse, ObjectBodies) {
  EXPECT_TRUE(parseObject("", true).IsObject());
  EXPECT_TRUE(parseObject(" {\"a\":[1,{\"b\":null}]} ").IsObject());
  try {
    parseObject("[1]");
    FAIL() << "accepted";
  } catch (const MatrixError& e) {
    EXPECT_EQ(e.code(), ErrCode::BadJson);
  }
}

TEST(JsonRawMember, FindsTopLevelMembersOnly) {
  const std::string text = R"({"type":"m.x", "content" : {"a":[1,"}",{"content":2}]} , "n":-1.5,"s":"x\"y"})";
  EXPECT_EQ(rawMember(text, "content"), R"({"a":[1,"}",{"content":2}]})");
  EXPECT_EQ(rawMember(text, "type"), R"("m.x")");
  EXPECT_EQ(rawMember(text, "n"), "-1.5");
  EXPECT_EQ(rawMember(text, "s"), R"("x\"y")");
  EXPECT_EQ(rawMember(text, "a"), std::nullopt);
  EXPECT_EQ(rawMember(R"({"c\u006fntent":{}})", "content"), "{}");
  EXPECT_EQ(rawMember("[1]", "content"), std::nullopt);
  EXPECT_EQ(rawMember(R"({"content":)", "content"), std::nullopt);
  EXPECT_EQ(rawMember(R"({"content":[[[)", "content"), std::nullopt);
}

TEST(JsonRawMember, WorksOnDocumentsTooDeepToParse) {
  const std::string deep = nested(30'000);
  const std::string text = R"({"content":{"deep":)" + deep + R"(},"event_id":"$e"})";
  ASSERT_FALSE(tryParse(text).has_value());
  EXPECT_EQ(rawMember(text, "content"), R"({"deep":)" + deep + "}");
  EXPECT_EQ(rawMember(text, "event_id"), R"("$e")");
}

}  // namespace
}  // namespace hs::json
