// Media content types and file names as they reach response headers. Properties: no crash or
// sanitizer report, and nothing that could split or inject a header (CR, LF, NUL, other
// controls) survives into Content-Type or Content-Disposition.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "media/content_types.h"
#include "media/media_ids.h"
#include "media/serving.h"

namespace {

void requireHeaderSafe(const std::string& value) {
  for (const unsigned char c : value) {
    if (c < 0x20 || c == 0x7f) {
      __builtin_trap();
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string input(reinterpret_cast<const char*>(data), size);
  const std::string stored = hs::media::uploadedContentType(&input);
  requireHeaderSafe(stored);
  requireHeaderSafe(hs::media::servedContentType(stored));
  requireHeaderSafe(hs::media::servedContentType(input));
  (void)hs::media::essenceOf(input);
  (void)hs::media::fileTypeOf(input);
  (void)hs::media::isInlineSafe(input);
  requireHeaderSafe(hs::media::contentDisposition(false, input));
  requireHeaderSafe(hs::media::contentDisposition(true, input));
  (void)hs::media::isValidMediaId(input);
  if (const auto key = hs::media::parseMxc(input)) {
    (void)hs::media::mxcUri(*key);
  }
  return 0;
}
