// JSON parsing (client and stored rules) and every walk over what it accepts: canonical JSON,
// the duplicate-key check, compact serialization and the raw member scanner. Properties: no
// crash or sanitizer report, canonical JSON is a fixed point, rawMember agrees with the parser.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "homeserver/core/canonical_json.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace {

void checkRawMembers(std::string_view text, const hs::json::Document& doc) {
  if (!doc.IsObject()) {
    return;
  }
  for (const auto& m : doc.GetObject()) {
    const std::string_view key(m.name.GetString(), m.name.GetStringLength());
    const auto raw = hs::json::rawMember(text, key);
    if (!raw) {
      __builtin_trap();  // the scanner lost a member the parser found
    }
  }
}

void walk(std::string_view text, const hs::json::Document& doc) {
  checkRawMembers(text, doc);
  (void)hs::json::toString(doc);
  (void)hs::core::hasDuplicateKeys(doc);
  try {
    const std::string canonical = hs::core::canonicalJson(doc);
    const auto again = hs::json::tryParse(canonical);
    if (!again || hs::core::canonicalJson(*again) != canonical) {
      __builtin_trap();  // canonical JSON must re-parse to itself
    }
  } catch (const hs::core::MatrixError&) {
    // floats, duplicate keys and out-of-range integers are not canonicalizable
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    walk(text, hs::json::parseValue(text));
  } catch (const hs::core::MatrixError&) {
  }
  if (auto stored = hs::json::tryParse(text)) {
    walk(text, *stored);
  }
  (void)hs::json::rawMember(text, "content");
  return 0;
}
