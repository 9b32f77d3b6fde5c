#pragma once
// Room admin actions that are not events (publishing a room in the directory, deleting an
// alias someone else made) are allowed to whoever could send the matching state event.
#include <string>
#include <string_view>

#include "homeserver/services/rooms/room_store.h"

namespace hs::rooms {

// Whether `user_id` is joined to the room and may send state of `type` under its current
// power levels (with none, every member may: state_default is then 0).
bool maySendState(RoomStore& store, const std::string& room_id, const std::string& user_id,
                  std::string_view type);

}  // namespace hs::rooms
