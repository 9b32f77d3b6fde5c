#pragma once
// What the thumbnailer reports about an image and what it makes of it. Shared by the server
// and the parley-thumbnailer helper process, so it carries no library types.
#include <stdexcept>
#include <string>

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

// The image could not be decoded (truncated, corrupt), or its decoder crashed or ran out of
// time in the helper process.
class UndecodableImage : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

}  // namespace hs::media
