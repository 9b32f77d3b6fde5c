#pragma once
// The redaction algorithm (ALGORITHMS §6): what survives of an event once it is redacted, and
// therefore what event signatures and reference hashes cover.
#include <string>

#include "homeserver/core/json.h"

namespace hs::core {

// Returns a redacted deep copy of `event` (which must be an object, else MatrixError BadJson)
// under the rules of `room_version`, "1" to "12": v1-v5 (m.room.aliases keeps `aliases`),
// v6-v7, v8 (join rules keep `allow`), v9-v10 (member events keep
// join_authorised_via_users_server), v11-v12 (origin, membership and prev_state go; the create
// event keeps its content). `content` is always present in the result. Other room versions
// throw MatrixError(UnsupportedRoomVersion).
json::Document redactEvent(const json::Value& event, const std::string& room_version);

}  // namespace hs::core
