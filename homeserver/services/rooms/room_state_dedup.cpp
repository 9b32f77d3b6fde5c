// RoomService: state that would not change is not sent again (PUT /state with the current
// content, a second /join with the same content).
#include "homeserver/services/rooms/room_service.h"

namespace hs::rooms {

std::optional<std::string> RoomService::unchangedState(const std::string& room_id, const EventDraft& draft) {
  if (!draft.state_key) {
    return std::nullopt;
  }
  const auto member = store_.membership(room_id, draft.sender);
  if (!member || member->membership != "join") {
    return std::nullopt;
  }
  const auto current = store_.stateEvent(room_id, draft.type, *draft.state_key);
  if (!current || current->sender != draft.sender || current->redacted_by) {
    return std::nullopt;
  }
  const auto stored = json::rawMember(current->client_json, "content");
  const auto old_content = stored ? json::tryParse(*stored) : std::nullopt;
  const auto new_content = json::tryParse(draft.content_json);
  // RapidJSON compares objects member by member, whatever their order.
  if (!old_content || !new_content || !(*old_content == *new_content)) {
    return std::nullopt;
  }
  return current->event_id;
}

std::string RoomService::sendState(const std::string& room_id, const EventDraft& draft) {
  if (auto existing = unchangedState(room_id, draft)) {
    return *existing;
  }
  return send(room_id, draft);
}

}  // namespace hs::rooms
