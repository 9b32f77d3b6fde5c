#pragma once
// Test images made with libvips at run time (no binary fixtures), and a PNG whose header
// claims more pixels than it carries. Shared by the media unit and integration tests.
#include <vips/vips8>

#include <cstdint>
#include <mutex>
#include <string>
#include <vector>

namespace hs::test {

inline void initVipsForTests() {
  static std::once_flag once;
  std::call_once(once, [] { vips_init("parley-tests"); });
}

// A w×h gradient (so that crops and scales differ), encoded by suffix: .png .jpg .gif .webp.
inline std::string makeImage(int w, int h, const char* suffix, bool alpha = false) {
  initVipsForTests();
  const vips::VImage xy = vips::VImage::xyz(w, h);
  vips::VImage rgb = (xy[0] * 255 / std::max(1, w - 1))
                         .bandjoin(xy[1] * 255 / std::max(1, h - 1))
                         .bandjoin(vips::VImage::black(w, h) + 90)
                         .cast(VIPS_FORMAT_UCHAR);
  if (alpha) {
    rgb = rgb.bandjoin(255);
  }
  void* buf = nullptr;
  size_t len = 0;
  rgb.write_to_buffer(suffix, &buf, &len);
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

// An animation of `frames` differently coloured w×h frames (.gif or .webp).
inline std::string makeAnimation(int w, int h, int frames, const char* suffix) {
  initVipsForTests();
  std::vector<vips::VImage> pages;
  for (int i = 0; i < frames; ++i) {
    pages.push_back((vips::VImage::black(w, h, vips::VImage::option()->set("bands", 3)) +
                     std::vector<double>{40.0 * i, 200.0 - 40.0 * i, 120.0})
                        .cast(VIPS_FORMAT_UCHAR));
  }
  vips::VImage strip = vips::VImage::arrayjoin(pages, vips::VImage::option()->set("across", 1)).copy();
  strip.set("page-height", h);
  strip.set("delay", std::vector<int>(static_cast<size_t>(frames), 100));
  strip.set("loop", 0);
  void* buf = nullptr;
  size_t len = 0;
  strip.write_to_buffer(suffix, &buf, &len);
  std::string out(static_cast<const char*>(buf), len);
  g_free(buf);
  return out;
}

struct Dims {
  int width = 0;
  int height = 0;  // of one frame
  int pages = 1;
};

// Decodes an encoded image (all frames) and reports its size; {0,0,0} if it does not decode.
inline Dims dimsOf(const std::string& bytes) {
  initVipsForTests();
  try {
    vips::VImage img = vips::VImage::new_from_buffer(bytes, "");
    const int pages = img.get_typeof("n-pages") ? img.get_int("n-pages") : 1;
    if (pages > 1) {  // only the animated formats take the all-frames option
      img = vips::VImage::new_from_buffer(bytes, "n=-1");
    }
    img.avg();  // decode every pixel: a truncated image fails here
    const int frame_h = img.get_typeof("page-height") ? img.get_int("page-height") : img.height();
    return Dims{img.width(), frame_h, pages};
  } catch (const vips::VError&) {
    vips_error_clear();
    return Dims{0, 0, 0};
  }
}

namespace detail {
inline uint32_t crc32(const std::string& data) {
  uint32_t crc = 0xffffffffu;
  for (unsigned char c : data) {
    crc ^= c;
    for (int k = 0; k < 8; ++k) {
      crc = (crc >> 1) ^ (0xedb88320u & (0u - (crc & 1u)));
    }
  }
  return ~crc;
}
inline std::string be32(uint32_t v) {
  return {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
          static_cast<char>(v)};
}
inline std::string chunk(const std::string& type, const std::string& data) {
  return be32(static_cast<uint32_t>(data.size())) + type + data + be32(crc32(type + data));
}
}  // namespace detail

// A syntactically valid PNG header for a w×h RGB image followed by a short stored-deflate
// IDAT (one partial row) and IEND: tiny on disk, w*h pixels if anyone decoded it.
inline std::string pngClaiming(uint32_t w, uint32_t h) {
  using namespace detail;
  const std::string ihdr = be32(w) + be32(h) + std::string("\x08\x02\x00\x00\x00", 5);
  const std::string row(1024, '\0');
  std::string z = "\x78\x01";  // zlib header, then one final stored block
  z += '\x01';
  z += static_cast<char>(row.size() & 0xff);
  z += static_cast<char>(row.size() >> 8);
  z += static_cast<char>(~row.size() & 0xff);
  z += static_cast<char>((~row.size() >> 8) & 0xff);
  z += row;
  z += be32(static_cast<uint32_t>(row.size()) << 16 | 1);  // adler32 of zeros: a=1, b=len
  return std::string("\x89PNG\r\n\x1a\n", 8) + chunk("IHDR", ihdr) + chunk("IDAT", z) +
         chunk("IEND", "");
}

}  // namespace hs::test
