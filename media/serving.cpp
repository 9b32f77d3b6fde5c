#include "media/serving.h"

#include <string_view>

namespace hs::media {

namespace {
// The spec's recommended policy, plus media-src so audio and video previews still play.
constexpr const char* kCsp =
    "sandbox; default-src 'none'; script-src 'none'; plugin-types application/pdf; "
    "style-src 'unsafe-inline'; media-src 'self'; object-src 'self';";

bool isQuotable(const std::string& name) {
  for (unsigned char c : name) {
    if (c < 0x20 || c >= 0x7f || c == '"' || c == '\\') {
      return false;
    }
  }
  return true;
}

// RFC 8187 attr-char: ALPHA / DIGIT / "!#$&+-.^_`|~"; every other byte is %XX.
std::string percentEncodeAttr(const std::string& value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  static constexpr std::string_view kSafe = "!#$&+-.^_`|~";
  std::string out;
  for (unsigned char c : value) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
        kSafe.find(static_cast<char>(c)) != std::string_view::npos) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}
}  // namespace

std::string contentDisposition(bool is_inline, const std::optional<std::string>& filename) {
  std::string out = is_inline ? "inline" : "attachment";
  if (!filename || filename->empty()) {
    return out;
  }
  if (isQuotable(*filename)) {
    return out + "; filename=\"" + *filename + "\"";
  }
  return out + "; filename*=utf-8''" + percentEncodeAttr(*filename);
}

void addSecurityHeaders(http::Response& res, bool cache_publicly) {
  res.header("Content-Security-Policy", kCsp);
  res.header("X-Content-Type-Options", "nosniff");
  res.header("Cross-Origin-Resource-Policy", "cross-origin");
  // The bytes behind a media id never change. Responses to authenticated requests must not
  // be kept by shared caches.
  res.header("Cache-Control", cache_publicly ? "public, max-age=86400, immutable"
                                             : "private, max-age=86400, immutable");
}

}  // namespace hs::media
