#pragma once
// The checks on a PDU from another server that need no room state (ALGORITHMS §13 steps 1-3):
// the format of its room version, the signatures of the servers that must sign it, and its
// content hash. They may wait on the network for keys, so they run before the room lock.
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>

#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/room_writer.h"
#include "homeserver/core/server_keys.h"

namespace hs::rooms {

struct CheckedPdu {
  NewEvent event;  // parsed, with the PDU as it will be stored and its client rendering
  // The content hash did not match: what is kept (and used from now on) is the redacted form.
  bool redacted = false;
  // The servers whose signatures verified (auth rule 4.2 asks about the authorising server).
  std::set<std::string> signed_by;
};

// A PDU to drop (§13 steps 1-2): malformed for its room version, or not validly signed.
class DroppedPdu : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Checks a PDU of room `room_id` (version `rules`). Throws DroppedPdu.
CheckedPdu checkPdu(std::string_view pdu_json, const std::string& room_id,
                    const RoomVersionRules& rules, core::ServerKeyLookup& keys);

// Auth rule 4.2's signature check answered from the signatures checkPdu verified. (The pdu
// must outlive the hooks.)
AuthHooks authHooksFor(const CheckedPdu& pdu);

// The event ID of a PDU that failed checkPdu, to answer under; empty when it has none.
std::string eventIdOrEmpty(std::string_view pdu_json, const RoomVersionRules& rules) noexcept;

// The event ID of a PDU of this room version: its `event_id` (v1, v2) or its reference hash.
std::string eventIdOf(const json::Value& pdu, const RoomVersionRules& rules);

}  // namespace hs::rooms
