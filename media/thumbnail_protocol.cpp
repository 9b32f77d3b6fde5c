#include "media/thumbnail_protocol.h"

#include <charconv>

namespace hs::media::protocol {

namespace {
// Reads a decimal integer in [min, max] at the front of `s` and drops it and one following
// separator character `sep`.
template <typename Int>
bool take(std::string_view& s, Int min, Int max, char sep, Int& value) {
  const auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), value);
  if (ec != std::errc() || value < min || value > max || end == s.data() + s.size() || *end != sep) {
    return false;
  }
  s.remove_prefix(static_cast<size_t>(end - s.data()) + 1);
  return true;
}

// Generous: a header may claim any size up to libvips' own limit; the pixel limit, not this,
// is what refuses huge images (with 413 rather than "not an image").
constexpr int kMaxSide = 1 << 30;
constexpr int64_t kMaxFrameBytes = int64_t{1} << 40;
}  // namespace

std::string typeArg(ThumbType type) {
  switch (type) {
    case ThumbType::Jpeg:
      return "jpeg";
    case ThumbType::Png:
      return "png";
    case ThumbType::Webp:
      return "webp";
  }
  return "png";
}

std::optional<ThumbType> parseType(std::string_view arg) {
  for (ThumbType t : {ThumbType::Jpeg, ThumbType::Png, ThumbType::Webp}) {
    if (arg == typeArg(t)) {
      return t;
    }
  }
  return std::nullopt;
}

std::string sizeArg(const ThumbSize& size) {
  return std::to_string(size.width) + "x" + std::to_string(size.height) +
         (size.method == ThumbMethod::Crop ? "-crop" : "-scale");
}

std::optional<ThumbSize> parseSize(std::string_view arg) {
  ThumbSize size{0, 0, ThumbMethod::Scale};
  if (!take(arg, 1, kMaxSide, 'x', size.width) || !take(arg, 1, kMaxSide, '-', size.height)) {
    return std::nullopt;
  }
  const auto method = parseMethod(arg);
  if (!method) {
    return std::nullopt;
  }
  size.method = *method;
  return size;
}

std::string formatInfo(const ImageInfo& info) {
  return std::to_string(info.width) + " " + std::to_string(info.height) + " " +
         std::to_string(info.pages) + "\n";
}

std::optional<ImageInfo> parseInfo(std::string_view out) {
  ImageInfo info;
  if (!take(out, 1, kMaxSide, ' ', info.width) || !take(out, 1, kMaxSide, ' ', info.height) ||
      !take(out, 1, kMaxSide, '\n', info.pages) || !out.empty()) {
    return std::nullopt;
  }
  return info;
}

void appendThumbnail(std::string& out, const Thumbnail& thumb) {
  out += std::to_string(thumb.width) + " " + std::to_string(thumb.height) + " " +
         std::to_string(thumb.bytes.size()) + "\n";
  out += thumb.bytes;
}

std::optional<std::vector<Thumbnail>> parseThumbnails(std::string_view out) {
  std::vector<Thumbnail> thumbs;
  while (!out.empty()) {
    Thumbnail t;
    int64_t length = 0;
    if (!take(out, 1, kMaxSide, ' ', t.width) || !take(out, 1, kMaxSide, ' ', t.height) ||
        !take(out, int64_t{0}, kMaxFrameBytes, '\n', length) ||
        static_cast<uint64_t>(length) > out.size()) {
      return std::nullopt;
    }
    t.bytes.assign(out.substr(0, static_cast<size_t>(length)));
    out.remove_prefix(static_cast<size_t>(length));
    thumbs.push_back(std::move(t));
  }
  return thumbs;
}

}  // namespace hs::media::protocol
