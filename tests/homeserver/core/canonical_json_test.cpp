#include "homeserver/core/canonical_json.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"
#include "tests/homeserver/core/vectors.h"

namespace hs::core {
namespace {

using test::parse;

// The error code a non-canonicalizable text raises, or nullopt when it encodes fine.
std::optional<ErrCode> errorFor(std::string_view text) {
  try {
    canonicalJson(parse(text));
  } catch (const MatrixError& e) {
    return e.code();
  }
  return std::nullopt;
}

TEST(CanonicalJson, SpecVectorsMatchByteForByte) {
  const auto doc = test::loadVectors("canonical_json.json");
  ASSERT_EQ(doc["cases"].Size(), 10u);
  for (const auto& c : doc["cases"].GetArray()) {
    EXPECT_EQ(canonicalJson(parse(test::str(c["input_text"]))), test::str(c["expected_canonical"]))
        << test::str(c["name"]);
  }
}

TEST(CanonicalJson, SortsKeysByCodePointNotUtf16Units) {
  // U+FF61 < U+1F600 by code point, but UTF-16 puts the surrogate pair D83D DE00 first.
  EXPECT_EQ(canonicalJson(parse(R"({"\ud83d\ude00":1,"\uff61":2,"":3,"a":4})")),
            "{\"\":3,\"a\":4,\"\xEF\xBD\xA1\":2,\"\xF0\x9F\x98\x80\":1}");
}

TEST(CanonicalJson, EscapesOnlyWhatItMust) {
  const auto doc = parse(R"(["\"\\\b\t\n\f\r", "\u0001\u001f\u0000", "/\u007f\u00e9"])");
  EXPECT_EQ(canonicalJson(doc),
            "[\"\\\"\\\\\\b\\t\\n\\f\\r\",\"\\u0001\\u001f\\u0000\",\"/\x7f\xC3\xA9\"]");
}

TEST(CanonicalJson, WritesLiteralsAndKeepsArrayOrder) {
  EXPECT_EQ(canonicalJson(parse(R"( { "z" : [ 3, 1, 2, [] , {} ], "t":true,"f":false,"n":null })")),
            R"({"f":false,"n":null,"t":true,"z":[3,1,2,[],{}]})");
}

TEST(CanonicalJson, AcceptsIntegersUpToTwoToTheFiftyThreeMinusOne) {
  EXPECT_EQ(canonicalJson(parse("[9007199254740991,-9007199254740991]")),
            "[9007199254740991,-9007199254740991]");
}

TEST(CanonicalJson, TurnsIntegralDoublesIntoIntegers) {
  EXPECT_EQ(canonicalJson(parse("[-0, -0.0, 2.0, 1e10, -1E2, 4.5e1]")),
            "[0,0,2,10000000000,-100,45]");
}

TEST(CanonicalJson, LargestSafeDoubleIsExact) {
  // Built directly: RapidJSON's default (not full-precision) parse of such texts is inexact.
  json::Value v;
  v.SetDouble(9007199254740991.0);
  EXPECT_EQ(canonicalJson(v), "9007199254740991");
  v.SetDouble(-9007199254740991.0);
  EXPECT_EQ(canonicalJson(v), "-9007199254740991");
  v.SetDouble(9007199254740992.0);
  EXPECT_THROW(canonicalJson(v), MatrixError);
}

TEST(CanonicalJson, RejectsOutOfRangeIntegers) {
  EXPECT_EQ(errorFor("9007199254740992"), ErrCode::BadJson);
  EXPECT_EQ(errorFor("-9007199254740992"), ErrCode::BadJson);
  EXPECT_EQ(errorFor("18446744073709551615"), ErrCode::BadJson);
  EXPECT_EQ(errorFor("1e16"), ErrCode::BadJson);
  EXPECT_EQ(errorFor("-1e300"), ErrCode::BadJson);
}

TEST(CanonicalJson, RejectsFractionsEvenWhenNested) {
  EXPECT_EQ(errorFor("1.5"), ErrCode::BadJson);
  EXPECT_EQ(errorFor(R"({"a":{"b":[1,0.1]}})"), ErrCode::BadJson);
  EXPECT_EQ(errorFor("1e-3"), ErrCode::BadJson);
  EXPECT_EQ(errorFor(R"({"a":{"b":[1,2]}})"), std::nullopt);
}

TEST(CanonicalJson, RejectsDuplicateKeys) {
  EXPECT_EQ(errorFor(R"({"a":1,"b":2,"a":1})"), ErrCode::BadJson);
}

TEST(CanonicalJson, WithoutSkipsOnlyTopLevelMembers) {
  const auto doc = parse(R"({"b":{"unsigned":1},"unsigned":{"x":1},"a":1,"signatures":{}})");
  EXPECT_EQ(canonicalJsonWithout(doc, {"signatures", "unsigned"}), R"({"a":1,"b":{"unsigned":1}})");
  EXPECT_EQ(canonicalJsonWithout(parse("[1]"), {"signatures"}), "[1]");
}

TEST(CanonicalJsonDuplicates, FoundAtAnyDepth) {
  EXPECT_TRUE(hasDuplicateKeys(parse(R"({"a":1,"a":2})")));
  EXPECT_TRUE(hasDuplicateKeys(parse(R"({"x":[1,{"b":1,"c":2,"b":1}]})")));
  EXPECT_TRUE(hasDuplicateKeys(parse(R"([{"k":{"k":{"q":1,"q":1}}}])")));
}

TEST(CanonicalJsonDuplicates, SameNameAtDifferentLevelsIsFine) {
  EXPECT_FALSE(hasDuplicateKeys(parse(R"({"a":{"a":{"a":1}},"b":[{"a":1},{"a":2}]})")));
  EXPECT_FALSE(hasDuplicateKeys(parse("7")));
}

}  // namespace
}  // namespace hs::core
