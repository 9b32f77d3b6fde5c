#include "client_api/handlers/room_params.h"

#include "homeserver/core/ids.h"
#include "homeserver/core/matrix_error.h"

#include <algorithm>
#include <cctype>

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

// "!opaque:server", or from room version 12 "!" + the create event's URL-safe base64 hash.
const std::string& checkRoomId(const std::string& room_id) {
  const size_t colon = room_id.find(':');
  const auto hash_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_'; };
  const bool with_server = colon != std::string::npos && colon > 1 &&
                           core::isValidServerName(room_id.substr(colon + 1));
  const bool hashed = colon == std::string::npos && room_id.size() == 44 &&  // "!" + 43
                      std::all_of(room_id.begin() + 1, room_id.end(), hash_char);
  if (room_id.size() < 2 || room_id.size() > 255 || room_id[0] != '!' || !(with_server || hashed)) {
    throw MatrixError(ErrCode::InvalidParam, "Invalid room id");
  }
  return room_id;
}

std::string roomIdFromParam(const std::string& id_or_alias, rooms::RoomService& rooms) {
  if (!id_or_alias.empty() && id_or_alias[0] == '#') {
    return rooms.resolveAlias(id_or_alias);
  }
  return checkRoomId(id_or_alias);
}

rooms::CreateRoomParams parseCreateRoom(const json::Value& body) {
  rooms::CreateRoomParams p;
  p.preset = json::optString(body, "preset");
  p.visibility = json::optString(body, "visibility");
  p.is_direct = json::optBool(body, "is_direct").value_or(false);
  p.invite = json::optStringArray(body, "invite").value_or(std::vector<std::string>{});
  p.name = json::optString(body, "name");
  p.topic = json::optString(body, "topic");
  p.room_alias_name = json::optString(body, "room_alias_name");
  p.room_version = json::optString(body, "room_version");
  if (const json::Value* pl = json::optObject(body, "power_level_content_override")) {
    p.power_level_content_override = json::toString(*pl);
  }
  if (const json::Value* cc = json::optObject(body, "creation_content")) {
    p.creation_content = json::toString(*cc);
  }
  if (const json::Value* is = json::member(body, "initial_state"); is && !is->IsNull()) {
    if (!is->IsArray()) {
      throw MatrixError(ErrCode::BadJson, "'initial_state' must be an array");
    }
    for (const auto& s : is->GetArray()) {
      if (!s.IsObject()) {
        throw MatrixError(ErrCode::BadJson, "initial_state entries must be objects");
      }
      rooms::InitialStateEvent e{json::requireString(s, "type"),
                                 json::optString(s, "state_key").value_or(""),
                                 json::toString(json::requireObject(s, "content"))};
      if (e.type == "m.room.create" || e.type == "m.room.member") {
        throw MatrixError(ErrCode::InvalidRoomState, "initial_state may not contain " + e.type);
      }
      p.initial_state.push_back(std::move(e));
    }
  }
  if (p.visibility && *p.visibility != "public" && *p.visibility != "private") {
    throw MatrixError(ErrCode::InvalidParam, "visibility must be public or private");
  }
  return p;
}

std::string objectBodyText(const http::Request& req) {
  const json::Document body = json::parseObject(req.body);
  return json::toString(body);
}

size_t limitParam(const http::Request& req, size_t def, size_t max) {
  const auto text = req.queryParam("limit");
  if (!text) {
    return def;
  }
  try {
    const long long v = std::stoll(*text);
    return static_cast<size_t>(std::clamp<long long>(v, 1, static_cast<long long>(max)));
  } catch (const std::exception&) {
    throw MatrixError(ErrCode::InvalidParam, "limit must be an integer");
  }
}

}  // namespace hs::client
