#pragma once
// Thumbnails made by the parley-thumbnailer helper, one process per job (see
// media/thumbnail_protocol.h): image decoders never run in the server, which therefore
// does not link libvips and its ~60 libraries, and a decoder that crashes or hangs on a hostile
// file costs one thumbnail (UndecodableImage), not the server. Thread-safe; meant to run on
// the thumbnailer pool, as each call blocks until its helper exits.
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "media/helper_process.h"
#include "media/thumbnail_sizes.h"
#include "media/thumbnail_types.h"

namespace hs::media {

class Thumbnailer {
 public:
  // `helper` is the path of the parley-thumbnailer executable.
  Thumbnailer(std::string helper, int64_t max_pixels, HelperLimits limits = defaultLimits());

  // The helper next to the running executable (/proc/self/exe), where the build and an
  // install put it.
  static std::string helperNextToExecutable();
  static HelperLimits defaultLimits();

  // Reads the header only. nullopt: not a PNG, JPEG, GIF or WebP, or no readable header.
  // Remembered per path: stored content never changes under its name (its sha256).
  std::optional<ImageInfo> probe(const std::string& path) const;
  // More pixels (all frames) than we agree to decode.
  bool tooLarge(const ImageInfo& info) const;
  // Never upscales. Throws UndecodableImage.
  Thumbnail render(const std::string& path, const ImageInfo& info, const ThumbSize& size,
                   ThumbType type) const;
  // Still thumbnails of several sizes from one decode of the source. Throws UndecodableImage.
  std::vector<Thumbnail> renderMany(const std::string& path, const std::vector<ThumbSize>& sizes,
                                    ThumbType type) const;
  const std::string& helper() const { return helper_; }

 private:
  std::vector<Thumbnail> run(const std::vector<std::string>& args, size_t expected) const;

  std::string helper_;
  int64_t max_pixels_;
  HelperLimits limits_;
  // A job costs a process start (~20 ms): a thumbnail of an image probed before (at upload,
  // for the spec sizes) needs one job, not two. Bounded: cleared when full.
  mutable std::mutex mu_;
  mutable std::unordered_map<std::string, ImageInfo> probed_;  // guarded by mu_
};

}  // namespace hs::media
