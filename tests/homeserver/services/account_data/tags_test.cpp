#include "homeserver/services/account_data/tags.h"

#include <gtest/gtest.h>

namespace hs::account_data {
namespace {

TEST(AccountDataTags, AddReplaceAndRemoveKeepOrder) {
  std::string c = withTag("{}", "u.work", R"({"order":0.5})");
  EXPECT_EQ(c, R"({"tags":{"u.work":{"order":0.5}}})");
  c = withTag(c, "m.favourite", "{}");
  c = withTag(c, "u.work", R"({"order":0.25})");
  EXPECT_EQ(c, R"({"tags":{"u.work":{"order":0.25},"m.favourite":{}}})");
  c = withoutTag(c, "u.work");
  EXPECT_EQ(c, R"({"tags":{"m.favourite":{}}})");
  EXPECT_EQ(withoutTag(c, "never.set"), c);
}

TEST(AccountDataTags, MalformedStoredContentReadsAsNoTags) {
  EXPECT_EQ(tagsContent("{}"), R"({"tags":{}})");
  EXPECT_EQ(tagsContent(R"({"tags":5})"), R"({"tags":{}})");
  EXPECT_EQ(tagsContent("not json"), R"({"tags":{}})");
  EXPECT_EQ(withTag(R"({"tags":[1]})", "t", "{}"), R"({"tags":{"t":{}}})");
}

TEST(AccountDataTags, ContentKeepsOnlyTagsWhenRead) {
  EXPECT_EQ(tagsContent(R"({"x":1,"tags":{"a":{}}})"), R"({"tags":{"a":{}}})");
}

TEST(AccountDataTags, TagNamesNeedNoEscapingByTheCaller) {
  const std::string c = withTag("{}", "u.\"quoted\"", "{}");
  EXPECT_EQ(c, R"({"tags":{"u.\"quoted\"":{}}})");
  EXPECT_EQ(withoutTag(c, "u.\"quoted\""), R"({"tags":{}})");
}

}  // namespace
}  // namespace hs::account_data
