#include "media/thumbnailer_tool/vips_thumbnailer.h"

#include <vips/vips8>

#include <algorithm>
#include <array>
#include <cmath>
#include <mutex>
#include <string_view>

namespace hs::media {

using vips::VImage;

namespace {
// Loader class names as libvips reports them for files.
constexpr std::array<std::string_view, 4> kAllowedLoaders = {
    "VipsForeignLoadJpegFile", "VipsForeignLoadPngFile", "VipsForeignLoadNsgifFile",
    "VipsForeignLoadWebpFile"};

// Warnings about odd but decodable files are noise here; failures come back as errors.
void dropVipsWarning(const gchar*, GLogLevelFlags, const gchar*, gpointer) {}

void initVips() {
  static std::once_flag once;
  std::call_once(once, [] {
    if (VIPS_INIT("parley-thumbnailer") != 0) {
      throw std::runtime_error("libvips failed to initialise");
    }
    vips_block_untrusted_set(TRUE);  // svg, pdf, matlab, fits...: never, whatever the bytes say
    vips_cache_set_max(0);           // thumbnails are cached on disk, not as vips operations
    vips_concurrency_set(1);         // the server's thumbnailer pool is our parallelism
    g_log_set_handler("VIPS", G_LOG_LEVEL_WARNING, dropVipsWarning, nullptr);
  });
}

// libvips keeps one error buffer per process; a failure's text is taken, then cleared.
std::string takeVipsError(const vips::VError& e) {
  std::string what = e.what();
  vips_error_clear();
  return what;
}

VImage thumbnailOf(const std::string& path, const ThumbSize& size, bool all_frames) {
  auto* options = VImage::option()
                      ->set("height", size.height)
                      ->set("size", VIPS_SIZE_DOWN)  // the spec: never upscale
                      ->set("fail_on", VIPS_FAIL_ON_ERROR);  // truncated input is an error
  if (size.method == ThumbMethod::Crop) {
    options->set("crop", VIPS_INTERESTING_CENTRE);
  }
  const std::string source = all_frames ? path + "[n=-1]" : path;
  return VImage::thumbnail(source.c_str(), size.width, options);
}

// libvips crops an animation as one tall image, losing all frames but one: scale every frame
// to cover the box, then cut the same centred rectangle out of each.
VImage cropFrames(const std::string& path, const ImageInfo& info, const ThumbSize& size) {
  const double scale = std::min(1.0, std::max(static_cast<double>(size.width) / info.width,
                                              static_cast<double>(size.height) / info.height));
  const ThumbSize cover{std::max(1, static_cast<int>(std::lround(info.width * scale))),
                        std::max(1, static_cast<int>(std::lround(info.height * scale))),
                        ThumbMethod::Scale};
  const VImage all = thumbnailOf(path, cover, true);
  const int frame_h = all.get_typeof("page-height") ? all.get_int("page-height") : all.height();
  const int frames = std::max(1, all.height() / frame_h);
  const int w = std::min(size.width, all.width());
  const int h = std::min(size.height, frame_h);
  std::vector<VImage> cut;
  for (int i = 0; i < frames; ++i) {
    cut.push_back(all.extract_area((all.width() - w) / 2, i * frame_h + (frame_h - h) / 2, w, h));
  }
  VImage out = VImage::arrayjoin(cut, VImage::option()->set("across", 1)).copy();
  out.set("page-height", h);
  for (const char* field : {"delay", "loop", "gif-delay"}) {
    if (all.get_typeof(field) != 0) {
      GValue value = G_VALUE_INIT;
      if (vips_image_get(all.get_image(), field, &value) == 0) {
        vips_image_set(out.get_image(), field, &value);
        g_value_unset(&value);
      }
    }
  }
  return out;
}

std::string encode(const VImage& image, ThumbType type) {
  void* buf = nullptr;
  size_t len = 0;
  switch (type) {
    case ThumbType::Jpeg:
      image.write_to_buffer(".jpg", &buf, &len, VImage::option()->set("Q", 80)->set("strip", true));
      break;
    case ThumbType::Png:
      image.write_to_buffer(".png", &buf, &len, VImage::option()->set("strip", true));
      break;
    case ThumbType::Webp:
      image.write_to_buffer(".webp", &buf, &len, VImage::option()->set("Q", 75)->set("strip", true));
      break;
  }
  std::string bytes(static_cast<const char*>(buf), len);
  g_free(buf);
  return bytes;
}
}  // namespace

VipsThumbnailer::VipsThumbnailer(int64_t max_pixels) : max_pixels_(max_pixels) { initVips(); }

std::optional<ImageInfo> VipsThumbnailer::probe(const std::string& path) const {
  const char* loader = vips_foreign_find_load(path.c_str());
  if (loader == nullptr ||
      std::find(kAllowedLoaders.begin(), kAllowedLoaders.end(), loader) == kAllowedLoaders.end()) {
    vips_error_clear();
    return std::nullopt;
  }
  try {
    // Opening reads the header only; pixels are decoded when something asks for them.
    const VImage image = VImage::new_from_file(
        path.c_str(), VImage::option()->set("access", VIPS_ACCESS_SEQUENTIAL));
    ImageInfo info{image.width(), image.height(), 1};
    if (image.get_typeof("n-pages") != 0) {
      info.pages = std::max(1, image.get_int("n-pages"));
    }
    return info;
  } catch (const vips::VError& e) {
    takeVipsError(e);  // no readable header: not an image we thumbnail
    return std::nullopt;
  }
}

bool VipsThumbnailer::tooLarge(const ImageInfo& info) const {
  const int64_t pixels = static_cast<int64_t>(info.width) * info.height * info.pages;
  return pixels > max_pixels_;
}

Thumbnail VipsThumbnailer::render(const std::string& path, const ImageInfo& info, const ThumbSize& size,
                              ThumbType type) const {
  const bool animated = type == ThumbType::Webp && info.pages > 1;
  try {
    const VImage out = animated && size.method == ThumbMethod::Crop
                           ? cropFrames(path, info, size)
                           : thumbnailOf(path, size, animated);
    const int frame_h =
        animated && out.get_typeof("page-height") ? out.get_int("page-height") : out.height();
    return Thumbnail{encode(out, type), out.width(), frame_h};
  } catch (const vips::VError& e) {
    throw UndecodableImage(takeVipsError(e));
  }
}

std::vector<Thumbnail> VipsThumbnailer::renderMany(const std::string& path,
                                               const std::vector<ThumbSize>& sizes,
                                               ThumbType type) const {
  ThumbSize box{1, 1, ThumbMethod::Scale};
  for (const ThumbSize& s : sizes) {
    box.width = std::max(box.width, s.width);
    box.height = std::max(box.height, s.height);
  }
  std::vector<Thumbnail> out;
  try {
    // Decoded once: a big JPEG costs most of its time in entropy decoding, whatever the size.
    const VImage base = thumbnailOf(path, box, false).copy_memory();
    for (const ThumbSize& s : sizes) {
      // A crop needs the base to cover its box; a very thin image may not, so it is made from
      // the file instead.
      const bool from_base = s.method == ThumbMethod::Scale ||
                             (base.width() >= s.width && base.height() >= s.height);
      auto* options = VImage::option()->set("height", s.height)->set("size", VIPS_SIZE_DOWN);
      if (s.method == ThumbMethod::Crop) {
        options->set("crop", VIPS_INTERESTING_CENTRE);
      }
      const VImage image = from_base ? base.thumbnail_image(s.width, options) : thumbnailOf(path, s, false);
      out.push_back(Thumbnail{encode(image, type), image.width(), image.height()});
    }
  } catch (const vips::VError& e) {
    throw UndecodableImage(takeVipsError(e));
  }
  return out;
}

}  // namespace hs::media
