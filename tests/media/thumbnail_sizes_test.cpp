#include "media/thumbnail_sizes.h"

#include <gtest/gtest.h>

namespace hs::media {
namespace {

using M = ThumbMethod;

TEST(SnapToSpecSize, SmallestCoveringSizeOfTheSameMethod) {
  EXPECT_EQ(snapToSpecSize({32, 32, M::Crop}), (ThumbSize{32, 32, M::Crop}));
  EXPECT_EQ(snapToSpecSize({48, 48, M::Crop}), (ThumbSize{96, 96, M::Crop}));
  EXPECT_EQ(snapToSpecSize({100, 100, M::Scale}), (ThumbSize{320, 240, M::Scale}));
  EXPECT_EQ(snapToSpecSize({640, 480, M::Scale}), (ThumbSize{640, 480, M::Scale}));
  EXPECT_EQ(snapToSpecSize({700, 100, M::Scale}), (ThumbSize{800, 600, M::Scale}));
}

TEST(SnapToSpecSize, NothingCoversLargerRequestsOrOtherCropAspects) {
  EXPECT_FALSE(snapToSpecSize({801, 600, M::Scale}));
  EXPECT_FALSE(snapToSpecSize({97, 97, M::Crop}));
  EXPECT_FALSE(snapToSpecSize({40, 20, M::Crop}));  // 2:1 is not 1:1
  EXPECT_FALSE(snapToSpecSize({320, 240, M::Crop}));
}

TEST(ThumbType, JpegStaysJpegOthersPngAnimatedWebp) {
  EXPECT_EQ(thumbTypeFor("image/jpeg", false), ThumbType::Jpeg);
  EXPECT_EQ(thumbTypeFor("image/jpeg", true), ThumbType::Jpeg);
  EXPECT_EQ(thumbTypeFor("image/png", true), ThumbType::Png);
  EXPECT_EQ(thumbTypeFor("image/gif", false), ThumbType::Png);
  EXPECT_EQ(thumbTypeFor("image/gif", true), ThumbType::Webp);
  EXPECT_EQ(thumbTypeFor("IMAGE/WEBP", true), ThumbType::Webp);
  EXPECT_FALSE(thumbTypeFor("image/svg+xml", false));
  EXPECT_FALSE(thumbTypeFor("application/pdf", false));
  EXPECT_FALSE(thumbTypeFor("text/plain", false));
}

TEST(ThumbnailName, EncodesSizeMethodAnimationAndFormat) {
  EXPECT_EQ(thumbnailName({96, 96, M::Crop}, false, ThumbType::Png), "96x96-crop.png");
  EXPECT_EQ(thumbnailName({320, 240, M::Scale}, true, ThumbType::Webp), "320x240-scale-animated.webp");
  EXPECT_EQ(contentTypeOf(ThumbType::Jpeg), "image/jpeg");
  EXPECT_EQ(parseMethod("crop"), M::Crop);
  EXPECT_FALSE(parseMethod("Crop"));
}

}  // namespace
}  // namespace hs::media
