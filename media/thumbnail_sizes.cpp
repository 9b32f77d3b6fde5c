#include "media/thumbnail_sizes.h"

#include <cstdint>

#include "media/content_types.h"

namespace hs::media {

std::optional<ThumbMethod> parseMethod(std::string_view method) {
  if (method == "scale") {
    return ThumbMethod::Scale;
  }
  if (method == "crop") {
    return ThumbMethod::Crop;
  }
  return std::nullopt;
}

std::optional<ThumbSize> snapToSpecSize(const ThumbSize& r) {
  for (const ThumbSize& s : kSpecSizes) {  // ordered smallest first
    if (s.method != r.method || s.width < r.width || s.height < r.height) {
      continue;
    }
    const bool same_aspect =
        static_cast<int64_t>(s.width) * r.height == static_cast<int64_t>(s.height) * r.width;
    if (r.method == ThumbMethod::Crop && !same_aspect) {
      continue;  // crop promises the requested aspect ratio
    }
    return s;
  }
  return std::nullopt;
}

std::optional<ThumbType> thumbTypeFor(std::string_view content_type, bool animated) {
  const std::string essence = essenceOf(content_type);
  if (essence == "image/jpeg") {
    return ThumbType::Jpeg;
  }
  if (essence == "image/gif" || essence == "image/webp") {
    return animated ? ThumbType::Webp : ThumbType::Png;
  }
  if (essence == "image/png") {
    return ThumbType::Png;
  }
  return std::nullopt;
}

std::string_view contentTypeOf(ThumbType type) {
  switch (type) {
    case ThumbType::Jpeg: return "image/jpeg";
    case ThumbType::Png: return "image/png";
    case ThumbType::Webp: return "image/webp";
  }
  return "image/png";
}

std::string thumbnailName(const ThumbSize& size, bool animated, ThumbType type) {
  std::string name = std::to_string(size.width) + "x" + std::to_string(size.height);
  name += size.method == ThumbMethod::Crop ? "-crop" : "-scale";
  if (animated) {
    name += "-animated";
  }
  switch (type) {
    case ThumbType::Jpeg: return name + ".jpg";
    case ThumbType::Png: return name + ".png";
    case ThumbType::Webp: return name + ".webp";
  }
  return name;
}

}  // namespace hs::media
