#include "media/thumbnailer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <filesystem>
#include <fstream>

#include "homeserver/core/random.h"
#include "tests/media/test_images.h"

namespace hs::media {
namespace {

namespace fs = std::filesystem;
using M = ThumbMethod;

class ThumbnailerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    core::SodiumRandom random;
    dir_ = fs::temp_directory_path() / ("parley-thumb-" + random.alnum(8));
    fs::create_directories(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }
  std::string file(const std::string& name, const std::string& bytes) {
    const auto path = (dir_ / name).string();
    std::ofstream(path, std::ios::binary) << bytes;
    return path;
  }
  test::Dims render(const std::string& path, ThumbSize size, ThumbType type) {
    const auto info = thumbnailer_.probe(path);
    EXPECT_TRUE(info.has_value());
    return info ? test::dimsOf(thumbnailer_.render(path, *info, size, type).bytes) : test::Dims{};
  }
  fs::path dir_;
  // The real helper, built with the tests: these check what the server gets back from it.
  Thumbnailer thumbnailer_{PARLEY_THUMBNAILER, 32'000'000};
};

TEST_F(ThumbnailerTest, ProbesEveryAllowedFormatFromItsHeader) {
  for (const char* suffix : {".png", ".jpg", ".gif", ".webp"}) {
    const auto info = thumbnailer_.probe(file(std::string("a") + suffix, test::makeImage(300, 200, suffix)));
    ASSERT_TRUE(info.has_value()) << suffix;
    EXPECT_EQ(info->width, 300) << suffix;
    EXPECT_EQ(info->height, 200) << suffix;
  }
  const auto anim = thumbnailer_.probe(file("anim.gif", test::makeAnimation(40, 30, 3, ".gif")));
  ASSERT_TRUE(anim.has_value());
  EXPECT_EQ(anim->pages, 3);
}

TEST_F(ThumbnailerTest, RefusesFormatsOutsideTheAllowList) {
  EXPECT_FALSE(thumbnailer_.probe(file("x.svg", "<svg xmlns='http://www.w3.org/2000/svg' width='9' height='9'/>")));
  EXPECT_FALSE(thumbnailer_.probe(file("x.tif", test::makeImage(20, 20, ".tif"))));
  EXPECT_FALSE(thumbnailer_.probe(file("x.txt", "just some text")));
}

TEST_F(ThumbnailerTest, CropFillsTheBoxScaleFitsInsideIt) {
  const std::string path = file("wide.jpg", test::makeImage(1200, 600, ".jpg"));
  const auto crop = render(path, {96, 96, M::Crop}, ThumbType::Jpeg);
  EXPECT_EQ(crop.width, 96);
  EXPECT_EQ(crop.height, 96);
  const auto scale = render(path, {320, 240, M::Scale}, ThumbType::Png);
  EXPECT_EQ(scale.width, 320);
  EXPECT_EQ(scale.height, 160);
}

TEST_F(ThumbnailerTest, NeverUpscales) {
  const auto dims = render(file("small.png", test::makeImage(50, 200, ".png")), {96, 96, M::Crop},
                           ThumbType::Png);
  EXPECT_EQ(dims.width, 50);
  EXPECT_EQ(dims.height, 96);
}

TEST_F(ThumbnailerTest, ManySizesFromOneDecodeMatchTheSpec) {
  const std::string path = file("photo.jpg", test::makeImage(1600, 1200, ".jpg"));
  const std::vector<ThumbSize> sizes(kSpecSizes.begin(), kSpecSizes.end());
  const auto thumbs = thumbnailer_.renderMany(path, sizes, ThumbType::Jpeg);
  ASSERT_EQ(thumbs.size(), sizes.size());
  for (size_t i = 0; i < sizes.size(); ++i) {
    const test::Dims d = test::dimsOf(thumbs[i].bytes);
    EXPECT_EQ(d.width, sizes[i].width) << i;
    EXPECT_EQ(d.height, sizes[i].height) << i;
  }
  // Too thin for the shared base to cover a 96x96 crop: made from the file, as render() would.
  const std::string thin = file("thin.png", test::makeImage(3000, 100, ".png"));
  const auto crop = thumbnailer_.renderMany(thin, {{96, 96, M::Crop}}, ThumbType::Png);
  const auto info = thumbnailer_.probe(thin);
  ASSERT_TRUE(info.has_value());
  EXPECT_EQ(test::dimsOf(crop[0].bytes).height,
            test::dimsOf(thumbnailer_.render(thin, *info, {96, 96, M::Crop}, ThumbType::Png).bytes).height);
}

TEST_F(ThumbnailerTest, AnimatedThumbnailsKeepEveryFrame) {
  const std::string path = file("anim.gif", test::makeAnimation(400, 300, 3, ".gif"));
  const auto scaled = render(path, {96, 96, M::Scale}, ThumbType::Webp);
  EXPECT_EQ(scaled.pages, 3);
  EXPECT_EQ(scaled.width, 96);
  EXPECT_EQ(scaled.height, 72);
  const auto cropped = render(path, {96, 96, M::Crop}, ThumbType::Webp);
  EXPECT_EQ(cropped.pages, 3);
  EXPECT_EQ(cropped.width, 96);
  EXPECT_EQ(cropped.height, 96);
  const auto still = render(path, {96, 96, M::Crop}, ThumbType::Png);
  EXPECT_EQ(still.pages, 1);
}

TEST_F(ThumbnailerTest, TruncatedImagesAreUndecodable) {
  for (const char* suffix : {".png", ".jpg"}) {
    const std::string whole = test::makeImage(800, 600, suffix);
    const std::string path = file(std::string("cut") + suffix, whole.substr(0, whole.size() / 2));
    const auto info = thumbnailer_.probe(path);
    ASSERT_TRUE(info.has_value()) << suffix << ": the header is intact";
    EXPECT_THROW(thumbnailer_.render(path, *info, {96, 96, M::Crop}, ThumbType::Png), UndecodableImage)
        << suffix;
  }
}

TEST_F(ThumbnailerTest, PixelLimitCountsEveryFrameFromTheHeader) {
  const auto bomb = thumbnailer_.probe(file("bomb.png", test::pngClaiming(50000, 50000)));
  ASSERT_TRUE(bomb.has_value());
  EXPECT_EQ(bomb->width, 50000);
  EXPECT_TRUE(thumbnailer_.tooLarge(*bomb));
  EXPECT_FALSE(thumbnailer_.tooLarge(ImageInfo{4000, 4000, 2}));
  EXPECT_TRUE(thumbnailer_.tooLarge(ImageInfo{4000, 4000, 3}));
}

// A helper that dies or hangs on a hostile file costs that one thumbnail, as an undecodable
// image, and never the server.
TEST_F(ThumbnailerTest, ACrashingOrHangingHelperIsAnUndecodableImage) {
  const std::string image = file("ok.png", test::makeImage(300, 200, ".png"));
  const std::string crash = file("crash.sh", "#!/bin/sh\nkill -SEGV $$\n");
  const std::string hang = file("hang.sh", "#!/bin/sh\nexec sleep 30\n");
  fs::permissions(crash, fs::perms::owner_all);
  fs::permissions(hang, fs::perms::owner_all);
  const Thumbnailer crashing(crash, 32'000'000);
  EXPECT_FALSE(crashing.probe(image).has_value());
  EXPECT_THROW(crashing.render(image, {300, 200, 1}, {96, 96, M::Crop}, ThumbType::Png),
               UndecodableImage);
  const Thumbnailer hanging(hang, 32'000'000, HelperLimits{std::chrono::milliseconds(300), 1024});
  EXPECT_THROW(hanging.renderMany(image, {{96, 96, M::Crop}}, ThumbType::Png), UndecodableImage);
}

TEST_F(ThumbnailerTest, AMissingHelperStopsTheStart) {
  EXPECT_THROW(Thumbnailer((dir_ / "nowhere").string(), 1), std::runtime_error);
}

TEST_F(ThumbnailerTest, TheHelperEnforcesThePixelLimitItself) {
  const Thumbnailer strict(PARLEY_THUMBNAILER, 100);
  const std::string path = file("big.png", test::makeImage(300, 200, ".png"));
  EXPECT_THROW(strict.render(path, {1, 1, 1}, {96, 96, M::Crop}, ThumbType::Png), UndecodableImage);
}

}  // namespace
}  // namespace hs::media
