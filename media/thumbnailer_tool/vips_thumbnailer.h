#pragma once
// Thumbnails with libvips, inside the parley-thumbnailer helper process only: the server
// never links libvips (its ~60 libraries cost 30 MB of resident pages, and a crashing image
// decoder must cost one thumbnail, not the server). Only the PNG, JPEG, GIF and WebP decoders
// may ever run (every other libvips loader is refused, untrusted ones blocked process-wide),
// and an image's pixel count is checked from its header before a single pixel is decoded,
// which is what stops decompression bombs.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "media/thumbnail_sizes.h"
#include "media/thumbnail_types.h"

namespace hs::media {

class VipsThumbnailer {
 public:
  // Initialises libvips once per process.
  explicit VipsThumbnailer(int64_t max_pixels);

  // Reads the header only. nullopt: not a PNG, JPEG, GIF or WebP, or no readable header.
  std::optional<ImageInfo> probe(const std::string& path) const;
  // More pixels (all frames) than we agree to decode.
  bool tooLarge(const ImageInfo& info) const;
  // Never upscales. Throws UndecodableImage.
  Thumbnail render(const std::string& path, const ImageInfo& info, const ThumbSize& size,
                   ThumbType type) const;
  // Still thumbnails of several sizes from one decode of the source: the largest box is
  // rendered from the file and held in memory, the others from it. Throws UndecodableImage.
  std::vector<Thumbnail> renderMany(const std::string& path, const std::vector<ThumbSize>& sizes,
                                    ThumbType type) const;

 private:
  int64_t max_pixels_;
};

}  // namespace hs::media
