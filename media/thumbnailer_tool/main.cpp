// parley-thumbnailer: one thumbnail job per process, run by the server (media/thumbnailer.cpp)
// with a clean argv and environment, a time limit and a cap on what it may print. The
// protocol is in media/thumbnail_protocol.h. Image decoders run here, never in the server:
// if one crashes on a hostile file, this process dies and the server answers one request
// with an error.
#include <stdlib.h>
#include <unistd.h>

#include <charconv>
#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "media/thumbnail_protocol.h"
#include "media/thumbnailer_tool/vips_thumbnailer.h"

namespace {

using hs::media::ImageInfo;
using hs::media::ThumbSize;
using hs::media::UndecodableImage;
using hs::media::VipsThumbnailer;
namespace protocol = hs::media::protocol;

int usage() {
  std::fputs("usage: parley-thumbnailer probe FILE\n"
             "       parley-thumbnailer render|render-many MAX_PIXELS FILE TYPE SIZE...\n",
             stderr);
  return protocol::kFailed;
}

// stdout is a pipe to the server: write everything or report failure.
int writeOut(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::write(STDOUT_FILENO, bytes.data(), bytes.size());
    if (n <= 0) {
      return protocol::kFailed;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return protocol::kOk;
}

int probe(const std::string& path) {
  const VipsThumbnailer thumbnailer(0);
  const auto info = thumbnailer.probe(path);
  return info ? writeOut(protocol::formatInfo(*info)) : protocol::kNotAnImage;
}

// render and render-many: the header is read and the pixel limit checked again here, so the
// limit holds even if the file changed since the server probed it.
int render(bool many, const std::vector<std::string>& args) {
  int64_t max_pixels = 0;
  const std::string& limit = args[0];
  const auto [end, ec] = std::from_chars(limit.data(), limit.data() + limit.size(), max_pixels);
  const auto type = protocol::parseType(args[2]);
  std::vector<ThumbSize> sizes;
  for (size_t i = 3; i < args.size(); ++i) {
    const auto size = protocol::parseSize(args[i]);
    if (!size) {
      return usage();
    }
    sizes.push_back(*size);
  }
  if (ec != std::errc() || end != limit.data() + limit.size() || max_pixels < 1 || !type ||
      sizes.empty() || (!many && sizes.size() != 1)) {
    return usage();
  }
  const VipsThumbnailer thumbnailer(max_pixels);
  const auto info = thumbnailer.probe(args[1]);
  if (!info) {
    return protocol::kNotAnImage;
  }
  if (thumbnailer.tooLarge(*info)) {
    return protocol::kTooLarge;
  }
  std::string out;
  if (many) {
    for (const auto& t : thumbnailer.renderMany(args[1], sizes, *type)) {
      protocol::appendThumbnail(out, t);
    }
  } else {
    protocol::appendThumbnail(out, thumbnailer.render(args[1], *info, sizes[0], *type));
  }
  return writeOut(out);
}

int run(const std::vector<std::string>& argv) {
  if (argv.size() == 3 && argv[1] == "probe") {
    return probe(argv[2]);
  }
  if (argv.size() >= 6 && (argv[1] == "render" || argv[1] == "render-many")) {
    return render(argv[1] == "render-many", {argv.begin() + 2, argv.end()});
  }
  return usage();
}

}  // namespace

int main(int argc, char** argv) {
  // libvips loads its optional loader modules (ImageMagick, poppler, OpenSLIDE, HEIF, JPEG XL)
  // from $VIPSHOME/lib at start: ~30 more libraries and half the start-up time of every job,
  // for loaders we refuse anyway. A prefix without modules skips them; the PNG, JPEG, GIF and
  // WebP loaders are built into libvips itself.
  ::setenv("VIPSHOME", "/nonexistent/parley-thumbnailer", 1);
  try {
    return run(std::vector<std::string>(argv, argv + argc));
  } catch (const UndecodableImage& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return protocol::kUndecodable;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "%s\n", e.what());
    return protocol::kFailed;
  }
}
