#pragma once
// Thumbnails with libvips. Only the PNG, JPEG, GIF and WebP decoders may ever run (every
// other libvips loader is refused, untrusted ones blocked process-wide), and an image's
// pixel count is checked from its header before a single pixel is decoded, which is what
// stops decompression bombs. Thread-safe; meant to run on the thumbnailer pool.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "media/thumbnail_sizes.h"

namespace hs::media {

struct ImageInfo {
  int width = 0;
  int height = 0;  // of one frame
  int pages = 1;   // frames of an animation
};

struct Thumbnail {
  std::string bytes;
  int width = 0;
  int height = 0;  // of one frame
};

// The image could not be decoded (truncated, corrupt).
class UndecodableImage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Thumbnailer {
 public:
  // Initialises libvips once per process.
  explicit Thumbnailer(int64_t max_pixels);

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
