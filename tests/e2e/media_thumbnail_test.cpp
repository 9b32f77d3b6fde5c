// Thumbnails over real HTTP: the spec's sizes and methods, animation, originals that are
// already small, and the inputs that must be refused (non-images, truncated images, bombs).
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "tests/e2e/media_helpers.h"

namespace hs::test {
namespace {

class MediaThumbnail : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    token_ = server_->registerUser("thumbs");
  }
  static void TearDownTestSuite() { delete server_; }
  static HttpResult thumb(const std::string& id, const std::string& query, bool legacy = false) {
    const std::string prefix = legacy ? "/_matrix/media/v3/thumbnail/localhost/"
                                      : "/_matrix/client/v1/media/thumbnail/localhost/";
    return mediaRequest(*server_, "GET", prefix + id + "?" + query, "", legacy ? "" : token_);
  }
  static Dims thumbDims(const std::string& id, const std::string& query) {
    auto r = thumb(id, query);
    EXPECT_EQ(r.status, 200) << query << ": " << r.body.substr(0, 200);
    return dimsOf(r.body);
  }
  static void expectError(const HttpResult& r, long status, const char* errcode) {
    EXPECT_EQ(r.status, status) << r.body;
    EXPECT_NE(r.body.find(errcode), std::string::npos) << r.body;
  }
  static TestServer* server_;
  static std::string token_;
};
TestServer* MediaThumbnail::server_ = nullptr;
std::string MediaThumbnail::token_;

TEST_F(MediaThumbnail, EachSpecSizeHasTheRightDimensions) {
  const std::string id = uploadId(*server_, token_, makeImage(1600, 1200, ".jpg"), "image/jpeg");
  struct Case {
    const char* query;
    int w, h;
  };
  for (const Case& c : {Case{"width=32&height=32&method=crop", 32, 32},
                        Case{"width=96&height=96&method=crop", 96, 96},
                        Case{"width=320&height=240&method=scale", 320, 240},
                        Case{"width=640&height=480&method=scale", 640, 480},
                        Case{"width=800&height=600&method=scale", 800, 600}}) {
    auto r = thumb(id, c.query);
    EXPECT_EQ(r.headers["content-type"], "image/jpeg") << c.query;
    EXPECT_EQ(r.headers["content-disposition"], "inline; filename=\"thumbnail.jpeg\"");
    const Dims d = dimsOf(r.body);
    EXPECT_EQ(d.width, c.w) << c.query;
    EXPECT_EQ(d.height, c.h) << c.query;
  }
}

TEST_F(MediaThumbnail, ScaleKeepsTheAspectRatioCropTakesTheRequestedOne) {
  const std::string id = uploadId(*server_, token_, makeImage(1200, 600, ".png"), "image/png");
  const Dims scaled = thumbDims(id, "width=320&height=240&method=scale");
  EXPECT_EQ(scaled.width, 320);
  EXPECT_EQ(scaled.height, 160);
  const Dims cropped = thumbDims(id, "width=96&height=96&method=crop");
  EXPECT_EQ(cropped.width, 96);
  EXPECT_EQ(cropped.height, 96);
  // Sizes outside the spec's list are rendered as asked.
  const Dims wide = thumbDims(id, "width=100&height=50&method=crop");
  EXPECT_EQ(wide.width, 100);
  EXPECT_EQ(wide.height, 50);
  const Dims big = thumbDims(id, "width=1000&height=1000");  // method defaults to scale
  EXPECT_EQ(big.width, 1000);
  EXPECT_EQ(big.height, 500);
  EXPECT_EQ(thumb(id, "width=96&height=96&method=crop").headers["content-type"], "image/png");
}

TEST_F(MediaThumbnail, SpecSizesArePregeneratedOnUpload) {
  const std::string bytes = makeImage(1024, 768, ".jpg");
  uploadId(*server_, token_, bytes, "image/jpeg");
  const std::string sha = hexSha256(bytes);
  const auto dir = std::filesystem::path(server_->config().media.store_path) / "thumbnails" /
                   sha.substr(0, 2) / sha.substr(2, 2) / sha;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (filesUnder(dir) < 5 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(filesUnder(dir), 5u);
  EXPECT_TRUE(std::filesystem::exists(dir / "96x96-crop.jpg"));
  EXPECT_TRUE(std::filesystem::exists(dir / "800x600-scale.jpg"));
}

TEST_F(MediaThumbnail, ImagesSmallerThanTheRequestComeBackAsTheyAre) {
  const std::string png = makeImage(20, 10, ".png");
  auto r = thumb(uploadId(*server_, token_, png, "image/png"), "width=96&height=96&method=crop");
  EXPECT_EQ(r.status, 200);
  EXPECT_TRUE(r.body == png);
  EXPECT_EQ(r.headers["content-type"], "image/png");
}

TEST_F(MediaThumbnail, AnimatedOnlyWhenAskedAndAsWebp) {
  const std::string id = uploadId(*server_, token_, makeAnimation(400, 300, 3, ".gif"), "image/gif");
  // 96x96 scale is served from the spec's 320x240 scale thumbnail: larger is allowed.
  auto animated = thumb(id, "width=96&height=96&method=scale&animated=true");
  EXPECT_EQ(animated.headers["content-type"], "image/webp");
  const Dims a = dimsOf(animated.body);
  EXPECT_EQ(a.pages, 3);
  EXPECT_EQ(a.width, 320);
  EXPECT_EQ(a.height, 240);
  const auto cropped = dimsOf(thumb(id, "width=96&height=96&method=crop&animated=true").body);
  EXPECT_EQ(cropped.pages, 3);
  EXPECT_EQ(cropped.height, 96);
  auto still = thumb(id, "width=96&height=96&method=scale&animated=false");
  EXPECT_EQ(still.headers["content-type"], "image/png");
  EXPECT_EQ(dimsOf(still.body).pages, 1);
  EXPECT_EQ(dimsOf(thumb(id, "width=96&height=96").body).pages, 1);  // absent means false
}

TEST_F(MediaThumbnail, WebpAndGifInputs) {
  for (const auto& [suffix, type] : {std::pair{".webp", "image/webp"}, std::pair{".gif", "image/gif"}}) {
    const std::string id = uploadId(*server_, token_, makeImage(500, 500, suffix), type);
    const Dims d = thumbDims(id, "width=96&height=96&method=crop");
    EXPECT_EQ(d.width, 96) << type;
    EXPECT_EQ(d.height, 96) << type;
  }
}

TEST_F(MediaThumbnail, LegacyEndpointServesThumbnailsToo) {
  const std::string id = uploadId(*server_, token_, makeImage(300, 300, ".png"), "image/png");
  auto r = thumb(id, "width=32&height=32&method=crop", true);
  EXPECT_EQ(r.status, 200);
  EXPECT_EQ(dimsOf(r.body).width, 32);
  EXPECT_EQ(r.headers["x-content-type-options"], "nosniff");
}

TEST_F(MediaThumbnail, NonImagesCannotBeThumbnailed) {
  const std::string text = uploadId(*server_, token_, "plain words", "text/plain");
  expectError(thumb(text, "width=32&height=32"), 400, "M_UNKNOWN");
  const std::string svg = uploadId(*server_, token_, "<svg xmlns='http://www.w3.org/2000/svg'/>", "image/svg+xml");
  expectError(thumb(svg, "width=32&height=32"), 400, "M_UNKNOWN");
  // Bytes that are not what the Content-Type claims.
  const std::string fake = uploadId(*server_, token_, "definitely not a png", "image/png");
  expectError(thumb(fake, "width=32&height=32"), 400, "M_UNKNOWN");
}

TEST_F(MediaThumbnail, TruncatedImagesAre400NotCrashes) {
  const std::string jpeg = makeImage(1500, 1000, ".jpg");
  const std::string id = uploadId(*server_, token_, jpeg.substr(0, jpeg.size() / 2), "image/jpeg");
  expectError(thumb(id, "width=320&height=240&method=scale"), 400, "M_UNKNOWN");
  const std::string png = makeImage(900, 900, ".png");
  expectError(thumb(uploadId(*server_, token_, png.substr(0, png.size() / 3), "image/png"),
                    "width=97&height=97&method=crop"),
              400, "M_UNKNOWN");
  EXPECT_EQ(server_->get("/health").status, 200);
}

TEST_F(MediaThumbnail, DecompressionBombsAreRefusedBeforeDecoding) {
  // A 2.5-gigapixel header over a 1 KiB body: refused from the header alone.
  const std::string claimed = uploadId(*server_, token_, pngClaiming(50000, 50000), "image/png");
  auto start = std::chrono::steady_clock::now();
  expectError(thumb(claimed, "width=96&height=96&method=crop"), 413, "M_TOO_LARGE");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  // A real one: 6000x6000 of one colour compresses to a few KiB, 36 Mpx > the 32 Mpx limit.
  initVipsForTests();
  void* buf = nullptr;
  size_t len = 0;
  vips::VImage::black(6000, 6000).write_to_buffer(".png", &buf, &len);
  const std::string bomb(static_cast<const char*>(buf), len);
  g_free(buf);
  EXPECT_LT(bomb.size(), 200u * 1024);
  start = std::chrono::steady_clock::now();
  expectError(thumb(uploadId(*server_, token_, bomb, "image/png"), "width=32&height=32&method=crop"), 413,
              "M_TOO_LARGE");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST_F(MediaThumbnail, BadParametersAre400) {
  const std::string id = uploadId(*server_, token_, makeImage(64, 64, ".png"), "image/png");
  expectError(thumb(id, "height=32"), 400, "M_MISSING_PARAM");
  expectError(thumb(id, "width=abc&height=32"), 400, "M_INVALID_PARAM");
  expectError(thumb(id, "width=0&height=32"), 400, "M_INVALID_PARAM");
  expectError(thumb(id, "width=-5&height=32"), 400, "M_INVALID_PARAM");
  expectError(thumb(id, "width=32&height=99999999999"), 400, "M_INVALID_PARAM");
  expectError(thumb(id, "width=32&height=32&method=zoom"), 400, "M_INVALID_PARAM");
  expectError(thumb(id, "width=32&height=32&animated=maybe"), 400, "M_INVALID_PARAM");
  expectError(thumb("NoSuchMedia", "width=32&height=32"), 404, "M_NOT_FOUND");
}

}  // namespace
}  // namespace hs::test
