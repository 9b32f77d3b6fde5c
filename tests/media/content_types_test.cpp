#include "media/content_types.h"

#include <gtest/gtest.h>

namespace hs::media {
namespace {

TEST(ContentTypes, UploadKeepsPlausibleTypesAndDefaultsToOctetStream) {
  const std::string png = "image/png";
  const std::string padded = "  text/plain; charset=utf-8 ";
  const std::string control = "image/png\r\nX-Evil: 1";
  const std::string no_slash = "png";
  EXPECT_EQ(uploadedContentType(&png), "image/png");
  EXPECT_EQ(uploadedContentType(&padded), "text/plain; charset=utf-8");
  EXPECT_EQ(uploadedContentType(nullptr), "application/octet-stream");
  EXPECT_EQ(uploadedContentType(&control), "application/octet-stream");
  EXPECT_EQ(uploadedContentType(&no_slash), "application/octet-stream");
  const std::string huge = "image/" + std::string(300, 'x');
  EXPECT_EQ(uploadedContentType(&huge), "application/octet-stream");
}

TEST(ContentTypes, FileTypeFollowsTheSeedsCategories) {
  EXPECT_EQ(fileTypeOf("image/png"), "image");
  EXPECT_EQ(fileTypeOf("IMAGE/JPEG"), "image");
  EXPECT_EQ(fileTypeOf("video/mp4"), "video");
  EXPECT_EQ(fileTypeOf("audio/ogg; codecs=opus"), "audio");
  EXPECT_EQ(fileTypeOf("application/pdf"), "document");
  EXPECT_EQ(fileTypeOf("text/plain"), "document");
  EXPECT_EQ(fileTypeOf("application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
            "document");
  EXPECT_EQ(fileTypeOf("application/pdfx"), "other");
  EXPECT_EQ(fileTypeOf("application/zip"), "other");
  EXPECT_EQ(fileTypeOf("application/octet-stream"), "other");
}

TEST(ContentTypes, ServedTypeIsTheUploadedOneWhenWellFormed) {
  EXPECT_EQ(servedContentType("image/png"), "image/png");
  EXPECT_EQ(servedContentType("text/html"), "text/html");  // with attachment disposition
  EXPECT_EQ(servedContentType("text/plain;charset=UTF-8"), "text/plain; charset=UTF-8");
  EXPECT_EQ(servedContentType("text/plain; boundary=x"), "text/plain");
  EXPECT_EQ(servedContentType("font/woff2"), "application/octet-stream");
  EXPECT_EQ(servedContentType("image/png/x"), "application/octet-stream");
  EXPECT_EQ(servedContentType("garbage"), "application/octet-stream");
  EXPECT_EQ(servedContentType("text/plain; charset=\"a b\""), "text/plain");
}

TEST(ContentTypes, InlineOnlyForTheSpecsSafeList) {
  EXPECT_TRUE(isInlineSafe("image/png"));
  EXPECT_TRUE(isInlineSafe("text/plain; charset=utf-8"));
  EXPECT_TRUE(isInlineSafe("Audio/X-Flac"));
  EXPECT_FALSE(isInlineSafe("text/html"));
  EXPECT_FALSE(isInlineSafe("image/svg+xml"));
  EXPECT_FALSE(isInlineSafe("application/javascript"));
  EXPECT_FALSE(isInlineSafe("application/octet-stream"));
}

}  // namespace
}  // namespace hs::media
