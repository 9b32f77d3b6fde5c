#pragma once
// Parsing shared by the room handlers.
#include <optional>
#include <string>

#include "homeserver/core/json.h"
#include "homeserver/http/request.h"
#include "homeserver/services/rooms/room_service.h"

namespace hs::client {

// The room id of a path param that may be an id (!x:y) or an alias (#x:y).
std::string roomIdFromParam(const std::string& id_or_alias, rooms::RoomService& rooms);
// Validates a !room:server id.
const std::string& checkRoomId(const std::string& room_id);
rooms::CreateRoomParams parseCreateRoom(const json::Value& body);
// Request bodies that must be objects, returned as JSON text.
std::string objectBodyText(const http::Request& req);
// `limit` query param within [1, max], default `def`.
size_t limitParam(const http::Request& req, size_t def, size_t max);

}  // namespace hs::client
