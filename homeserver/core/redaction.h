#pragma once
// The redaction algorithm (ALGORITHMS §6): what survives of an event once it is redacted, and
// therefore what event signatures and reference hashes cover.
#include <string>

#include "homeserver/core/json.h"

namespace hs::core {

// Returns a redacted deep copy of `event` (which must be an object, else MatrixError BadJson)
// under the rules of `room_version`: "10" (the v9 rules: keeps origin, membership,
// prev_state) or "11"/"12" (the v11 rules). `content` is always present in the result.
// Other room versions throw MatrixError(UnsupportedRoomVersion).
json::Document redactEvent(const json::Value& event, const std::string& room_version);

}  // namespace hs::core
