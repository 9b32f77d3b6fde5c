// Filter JSON (POST /user/{userId}/filter, the `filter` query parameter of /sync and
// /messages) and the glob matching the parsed filter applies to every event. Properties: no
// crash, sanitizer report or runaway matching (libFuzzer's -timeout catches the last).
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/filters/filter.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto f = hs::filters::parseFilterText(text);
    (void)f.room.timeline.allowsEvent("!room:example.org", "m.room.message", "@alice:example.org", true);
    (void)f.room.allowsRoom("!room:example.org");
    (void)f.presence.allows("m.presence", "@bob:example.org");
  } catch (const hs::core::MatrixError&) {
  }
  try {
    (void)hs::filters::parseRoomEventFilterText(text);
  } catch (const hs::core::MatrixError&) {
  }
  // A pattern and a value split from the input: globbing must stay linear-ish.
  const size_t cut = text.find('\n');
  if (cut != std::string_view::npos) {
    (void)hs::filters::globMatches(text.substr(0, cut), text.substr(cut + 1));
  }
  return 0;
}
