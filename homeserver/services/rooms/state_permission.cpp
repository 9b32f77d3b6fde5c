#include "homeserver/services/rooms/state_permission.h"

#include "homeserver/core/json.h"
#include "homeserver/services/rooms/power_levels.h"

namespace hs::rooms {

bool maySendState(RoomStore& store, const std::string& room_id, const std::string& user_id,
                  std::string_view type) {
  const auto member = store.membership(room_id, user_id);
  if (!member || member->membership != "join") {
    return false;
  }
  const auto pl = store.stateEvent(room_id, "m.room.power_levels", "");
  if (!pl) {
    return true;
  }
  const auto doc = json::tryParse(pl->client_json);
  const json::Value* content = doc ? json::member(*doc, "content") : nullptr;
  const auto room = store.room(room_id);
  if (content == nullptr || !content->IsObject() || !room) {
    return false;  // unreadable power levels grant nothing
  }
  const auto levels = PowerLevels::fromContent(*content, room->room_version);
  return levels.userLevel(user_id) >= levels.requiredLevel(type, true);
}

}  // namespace hs::rooms
