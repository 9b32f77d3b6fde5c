#pragma once
// Turns what a local user wants to send into a real PDU: auth_events, prev_events, depth,
// content hash, signature and event id (reference hash), plus its client rendering.
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/json.h"
#include "homeserver/core/signing.h"
#include "homeserver/services/rooms/room_store.h"

namespace hs::rooms {

struct EventDraft {
  std::string sender;
  std::string type;
  std::optional<std::string> state_key;
  std::string content_json;              // a JSON object
  std::optional<std::string> redacts;    // m.room.redaction
};

struct BuildContext {
  const RoomInfo& room;
  const std::vector<Event>& auth_state;  // current state at authKeysFor(draft)
  const std::vector<std::pair<std::string, int64_t>>& extremities;
  const std::string& server_name;
  const core::SigningKey& key;
  int64_t now_ms;
};

// Builds and signs; does not check authorization.
NewEvent buildEvent(const EventDraft& draft, const BuildContext& ctx);

// The client-format rendering of a PDU, without `unsigned`.
std::string clientJsonOf(const json::Value& pdu);

}  // namespace hs::rooms
