#pragma once
// Turns what a local user wants to send into a real PDU: auth_events, prev_events, depth,
// content hash, signature and event id (reference hash), plus its client rendering.
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/json.h"
#include "homeserver/core/signing.h"
#include "homeserver/services/rooms/room_writer.h"

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
  // Rooms v1 and v2 cite prev events with their reference hashes: the extremities' events.
  const std::vector<Event>* prev_events = nullptr;
};

// Builds and signs in the room version's format; does not check authorization. A room v12
// m.room.create has no room_id: the room's ID is derived from the event's.
NewEvent buildEvent(const EventDraft& draft, const BuildContext& ctx);

// The client-format rendering of a PDU, without `unsigned`.
std::string clientJsonOf(const json::Value& pdu);
// The same for a PDU that may lack its event ID (v3+) or room ID (a v12 m.room.create).
std::string clientJsonFor(const json::Value& pdu, const std::string& event_id);
// Fills n.relates_to / rel_type / rel_key from the event's content.m.relates_to.
void fillRelation(NewEvent& n);

}  // namespace hs::rooms
