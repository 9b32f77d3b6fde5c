#include "homeserver/core/base64.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "homeserver/core/json.h"

namespace hs::core {
namespace {

json::Document loadVectors(const std::string& name) {
  std::ifstream in(std::string(PARLEY_VECTORS_DIR) + "/" + name);
  std::stringstream ss;
  ss << in.rdbuf();
  auto doc = json::tryParse(ss.str());
  EXPECT_TRUE(doc.has_value()) << name;
  return std::move(*doc);
}

TEST(Base64, SpecVectorsEncodeAndDecode) {
  const auto doc = loadVectors("unpadded_base64.json");
  const auto& cases = doc["cases"];
  ASSERT_GE(cases.Size(), 7u);
  for (const auto& c : cases.GetArray()) {
    const std::string input = c["input_utf8"].GetString();
    const std::string expected = c["expected"].GetString();
    EXPECT_EQ(base64Encode(input), expected);
    EXPECT_EQ(base64Decode(expected), input);
  }
}

TEST(Base64, DecodeAcceptsPaddingAndUrlAlphabet) {
  EXPECT_EQ(base64Decode("Zm9vYg=="), "foob");
  EXPECT_EQ(base64Decode("-_8"), std::string("\xfb\xff"));
  EXPECT_EQ(base64UrlEncode(std::string("\xfb\xff")), "-_8");
}

TEST(Base64, DecodeRejectsGarbage) {
  EXPECT_FALSE(base64Decode("ab$d").has_value());
  EXPECT_FALSE(base64Decode("abcde").has_value());
}

}  // namespace
}  // namespace hs::core
