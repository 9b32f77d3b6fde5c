#include "media/thumbnail_protocol.h"

#include <gtest/gtest.h>

namespace hs::media::protocol {
namespace {

TEST(ThumbnailProtocol, SizesAndTypesRoundTrip) {
  for (const ThumbSize& s : kSpecSizes) {
    EXPECT_EQ(parseSize(sizeArg(s)), s);
  }
  EXPECT_EQ(sizeArg({801, 601, ThumbMethod::Scale}), "801x601-scale");
  for (ThumbType t : {ThumbType::Jpeg, ThumbType::Png, ThumbType::Webp}) {
    EXPECT_EQ(parseType(typeArg(t)), t);
  }
}

TEST(ThumbnailProtocol, RefusesMalformedArguments) {
  for (const char* bad : {"", "96x96", "96x96-", "x96-crop", "0x96-crop", "96x-1-crop", "96x96-zoom",
                          "96x96crop", "99999999999x1-crop"}) {
    EXPECT_FALSE(parseSize(bad)) << bad;
  }
  EXPECT_FALSE(parseType("gif"));
}

TEST(ThumbnailProtocol, InfoRoundTripsAndRejectsJunk) {
  const auto info = parseInfo(formatInfo(ImageInfo{300, 200, 3}));
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(info->width, 300);
  EXPECT_EQ(info->height, 200);
  EXPECT_EQ(info->pages, 3);
  EXPECT_FALSE(parseInfo("300 200\n"));
  EXPECT_FALSE(parseInfo("300 200 1\nmore"));
}

TEST(ThumbnailProtocol, FramesRoundTripAndTruncationIsRejected) {
  std::string out;
  appendThumbnail(out, Thumbnail{std::string("\0\n12 3", 6), 12, 3});
  appendThumbnail(out, Thumbnail{"", 1, 1});
  const auto thumbs = parseThumbnails(out);
  ASSERT_TRUE(thumbs.has_value());
  ASSERT_EQ(thumbs->size(), 2u);
  EXPECT_EQ((*thumbs)[0].bytes, std::string("\0\n12 3", 6));
  EXPECT_EQ((*thumbs)[0].width, 12);
  EXPECT_EQ((*thumbs)[1].height, 1);
  EXPECT_FALSE(parseThumbnails(out.substr(0, 10)));
}

}  // namespace
}  // namespace hs::media::protocol
