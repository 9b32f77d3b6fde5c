// Open Graph parsing with libxml2's HTML parser: tags, fallbacks, broken markup, limits.
#include "media/url_preview/open_graph.h"

#include <gtest/gtest.h>

#include "homeserver/core/json.h"

namespace hs::media {
namespace {

json::Document parsed(const std::string& html) {
  auto doc = json::tryParse(openGraphJson(html, "https://example.org/"));
  EXPECT_TRUE(doc && doc->IsObject());
  return std::move(*doc);
}

TEST(OpenGraph, ReadsOgTagsByPropertyOrName) {
  const auto doc = parsed(R"(<meta property="og:title" content="T"><meta name="og:site_name" content="S">)"
                          R"(<meta property="og:type" content="website">)");
  EXPECT_STREQ(doc["og:title"].GetString(), "T");
  EXPECT_STREQ(doc["og:site_name"].GetString(), "S");
  EXPECT_STREQ(doc["og:type"].GetString(), "website");
}

TEST(OpenGraph, FallsBackToTitleAndDescription) {
  const auto doc = parsed("<html><head><title>\n  Page  </title><meta name=description content='About it'></head>");
  EXPECT_STREQ(doc["og:title"].GetString(), "Page");
  EXPECT_STREQ(doc["og:description"].GetString(), "About it");
}

TEST(OpenGraph, LeavesOutImagesAndEmptyValues) {
  const auto doc = parsed(R"(<meta property="og:image" content="https://x/a.png"><meta property="og:image:width" )"
                          R"(content="5"><meta property="og:title" content="  ">)");
  EXPECT_EQ(doc.MemberCount(), 0u);
}

TEST(OpenGraph, SurvivesBrokenMarkupAndDecodesEntities) {
  const auto doc = parsed("<title>Tom &amp; Jerry<body><div><p>never closed");
  EXPECT_STREQ(doc["og:title"].GetString(), "Tom & Jerry");
  EXPECT_EQ(openGraphJson("", "https://example.org/"), "{}");
  EXPECT_EQ(openGraphJson(std::string("\0\xff\xfe<<>>", 7), "https://example.org/"), "{}");
}

TEST(OpenGraph, CutsLongValuesOnACharacterBoundary) {
  std::string long_value;
  for (int i = 0; i < 600; ++i) {
    long_value += "\xc3\xa9";  // é, two bytes
  }
  const auto doc = parsed(R"(<meta property="og:title" content=")" + long_value + R"(">)");
  const std::string title = doc["og:title"].GetString();
  EXPECT_LE(title.size(), kMaxOgValueBytes);
  EXPECT_EQ(title.size() % 2, 0u);
}

TEST(OpenGraph, KeepsAtMostTheFieldLimit) {
  std::string html;
  for (size_t i = 0; i < kMaxOgFields + 20; ++i) {
    html += R"(<meta property="og:f)" + std::to_string(i) + R"(" content="v">)";
  }
  EXPECT_EQ(parsed(html).MemberCount(), kMaxOgFields);
}

}  // namespace
}  // namespace hs::media
