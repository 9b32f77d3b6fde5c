#pragma once
// Which thumbnail a request gets, in what format, under what cached name. Pure functions.
#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace hs::media {

enum class ThumbMethod { Scale, Crop };
enum class ThumbType { Jpeg, Png, Webp };

struct ThumbSize {
  int width;
  int height;
  ThumbMethod method;
  bool operator==(const ThumbSize&) const = default;
};

// The sizes the spec asks servers to produce; generated when an image is uploaded.
inline constexpr std::array<ThumbSize, 5> kSpecSizes = {{{32, 32, ThumbMethod::Crop},
                                                         {96, 96, ThumbMethod::Crop},
                                                         {320, 240, ThumbMethod::Scale},
                                                         {640, 480, ThumbMethod::Scale},
                                                         {800, 600, ThumbMethod::Scale}}};

std::optional<ThumbMethod> parseMethod(std::string_view method);
// The smallest spec size that is at least as large as the request in both dimensions, with
// the same method (and, for crop, the same aspect ratio); nullopt when none covers it.
std::optional<ThumbSize> snapToSpecSize(const ThumbSize& requested);
// The thumbnail format for a stored content type: JPEG stays JPEG, other images become PNG,
// and an animated thumbnail of a GIF or WebP is an animated WebP (the spec's preference).
// nullopt: we do not thumbnail this type.
std::optional<ThumbType> thumbTypeFor(std::string_view content_type, bool animated);
std::string_view contentTypeOf(ThumbType type);
// The cache file name, e.g. "96x96-crop.png" or "320x240-scale-animated.webp".
std::string thumbnailName(const ThumbSize& size, bool animated, ThumbType type);

}  // namespace hs::media
