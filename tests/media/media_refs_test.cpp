#include "media/media_refs.h"

#include <gtest/gtest.h>

namespace hs::media {
namespace {

TEST(MediaRefs, FindsEveryMediaFieldOfAMessage) {
  const auto refs = mediaRefsOf(R"({"msgtype":"m.image","body":"a.png","url":"mxc://hs.org/main",
    "info":{"mimetype":"image/png","thumbnail_url":"mxc://hs.org/thumb",
            "thumbnail_file":{"url":"mxc://hs.org/encthumb"}},"file":{"url":"mxc://other.org/enc"}})");
  ASSERT_EQ(refs.size(), 4u);
  EXPECT_EQ(refs[0].key.media_id, "main");
  EXPECT_EQ(refs[0].field, "url");
  EXPECT_EQ(refs[1].key.media_id, "thumb");
  EXPECT_EQ(refs[1].field, "info.thumbnail_url");
  EXPECT_EQ(refs[2].key.origin, "other.org");
  EXPECT_EQ(refs[2].field, "file.url");
  EXPECT_EQ(refs[3].field, "info.thumbnail_file.url");
}

TEST(MediaRefs, IgnoresTextMalformedUrisAndWrongTypes) {
  EXPECT_TRUE(mediaRefsOf(R"({"msgtype":"m.text","body":"see mxc://hs.org/x"})").empty());
  EXPECT_TRUE(mediaRefsOf(R"({"url":"mxc://hs.org/../etc"})").empty());
  EXPECT_TRUE(mediaRefsOf(R"({"url":["mxc://hs.org/x"]})").empty());
  EXPECT_TRUE(mediaRefsOf(R"({"info":"mxc://hs.org/x"})").empty());
  EXPECT_TRUE(mediaRefsOf("not json mxc://").empty());
}

}  // namespace
}  // namespace hs::media
