#include "media/media_ids.h"

#include <gtest/gtest.h>

namespace hs::media {
namespace {

TEST(MediaIds, OnlyUrlSafeBase64CharactersAreValid) {
  EXPECT_TRUE(isValidMediaId("AbC_09-z"));
  EXPECT_FALSE(isValidMediaId(""));
  EXPECT_FALSE(isValidMediaId(".."));
  EXPECT_FALSE(isValidMediaId("a/b"));
  EXPECT_FALSE(isValidMediaId("a%2Fb"));
  EXPECT_FALSE(isValidMediaId("a.b"));
  EXPECT_FALSE(isValidMediaId("caf\xc3\xa9"));
  EXPECT_FALSE(isValidMediaId(std::string("a\0b", 3)));
  EXPECT_TRUE(isValidMediaId(std::string(255, 'a')));
  EXPECT_FALSE(isValidMediaId(std::string(256, 'a')));
}

TEST(MediaIds, NewIdsAreLongRandomAndValid) {
  core::SodiumRandom random;
  const std::string a = newMediaId(random);
  const std::string b = newMediaId(random);
  EXPECT_EQ(a.size(), 24u);
  EXPECT_TRUE(isValidMediaId(a));
  EXPECT_NE(a, b);
}

TEST(MediaIds, ParsesMxcUris) {
  const auto key = parseMxc("mxc://example.org:8448/abc_DEF-1");
  ASSERT_TRUE(key.has_value());
  EXPECT_EQ(key->origin, "example.org:8448");
  EXPECT_EQ(key->media_id, "abc_DEF-1");
  EXPECT_EQ(mxcUri(*key), "mxc://example.org:8448/abc_DEF-1");
}

TEST(MediaIds, RefusesMalformedMxcUris) {
  EXPECT_FALSE(parseMxc("https://example.org/abc"));
  EXPECT_FALSE(parseMxc("mxc://example.org"));
  EXPECT_FALSE(parseMxc("mxc://example.org/"));
  EXPECT_FALSE(parseMxc("mxc:///abc"));
  EXPECT_FALSE(parseMxc("mxc://example.org/../../etc/passwd"));
  EXPECT_FALSE(parseMxc("mxc://exa mple.org/abc"));
}

}  // namespace
}  // namespace hs::media
