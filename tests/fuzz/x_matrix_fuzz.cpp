// The X-Matrix Authorization header parser (federation request authentication). Properties:
// no crash or sanitizer report; whatever it accepts has the required parameters.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "homeserver/core/x_matrix.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view header(reinterpret_cast<const char*>(data), size);
  const auto auth = hs::core::parseXMatrixAuthorization(header);
  if (auth && (auth->origin.empty() || auth->key_id.empty() || auth->signature.empty())) {
    __builtin_trap();
  }
  return 0;
}
