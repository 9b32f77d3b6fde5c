// RoomService: joining, inviting, leaving, kicking, banning, forgetting.
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/room_service.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

std::string RoomService::memberContent(const core::UserId& user, const std::string& membership,
                                       const std::optional<std::string>& reason, bool is_direct,
                                       bool with_profile, const json::Value* custom) {
  json::Document doc(rapidjson::kObjectType);
  auto& a = doc.GetAllocator();
  if (custom != nullptr && custom->IsObject()) {
    doc.CopyFrom(*custom, a);  // a /join body's own fields stay in the event (as Synapse)
  }
  const auto set = [&](const char* key, const std::string& value) {
    doc.RemoveMember(key);
    doc.AddMember(json::Value(key, a), json::Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), a), a);
  };
  set("membership", membership);
  if (with_profile && user.server() == config_.server_name) {
    if (auto record = accounts_.findUser(user.str())) {
      // The profile fills what the client did not choose itself (a per-room name).
      for (const auto& [key, value] : {std::pair{"displayname", &record->displayname}, {"avatar_url", &record->avatar_url}}) {
        if (*value && !doc.HasMember(key)) {
          set(key, **value);
        }
      }
    }
  }
  if (reason) {
    set("reason", *reason);
  }
  if (is_direct) {
    doc.RemoveMember("is_direct");
    doc.AddMember("is_direct", true, a);
  }
  return json::toString(doc);
}

void RoomService::join(const core::UserId& user, const std::string& room_id,
                       const std::optional<std::string>& reason, const json::Value* custom) {
  const auto before = store_.membership(room_id, user.str());
  const EventDraft draft{user.str(), std::string(kMember), user.str(),
                         memberContent(user, "join", reason, false, true, custom), std::nullopt};
  // Joining again with the same content changes nothing: no new event (as Synapse).
  if (before && before->membership == "join" && unchangedState(room_id, draft)) {
    return;
  }
  send(room_id, draft);
  // Joining a direct room's invite (is_direct) records the room in both users' m.direct.
  if (!direct_hook_ || !before || before->membership != "invite") {
    return;
  }
  const auto joined = store_.stateEvent(room_id, std::string(kMember), user.str());
  if (!joined || !joined->prev_content || !joined->prev_sender) {
    return;
  }
  const auto invite = json::tryParse(*joined->prev_content);
  if (invite && invite->IsObject() && json::member(*invite, "is_direct") &&
      (*invite)["is_direct"].IsBool() && (*invite)["is_direct"].GetBool()) {
    direct_hook_(user.str(), *joined->prev_sender, room_id);
    direct_hook_(*joined->prev_sender, user.str(), room_id);
  }
}

void RoomService::invite(const core::UserId& sender, const std::string& room_id,
                         const core::UserId& target, const std::optional<std::string>& reason,
                         bool is_direct) {
  if (target.server() == config_.server_name && !accounts_.findUser(target.str())) {
    throw MatrixError(ErrCode::NotFound, "Unknown user " + target.str());
  }
  if (target.server() != config_.server_name) {
    throw MatrixError(ErrCode::Forbidden, "Inviting users of other servers needs federation, which is not available yet");
  }
  const auto current = store_.membership(room_id, target.str());
  if (current && current->membership == "join") {
    throw MatrixError(ErrCode::Forbidden, target.str() + " is already in the room");
  }
  if (invite_check_) {
    invite_check_(sender, target);
  }
  send(room_id, EventDraft{sender.str(), std::string(kMember), target.str(),
                           memberContent(target, "invite", reason, is_direct, true), std::nullopt});
}

void RoomService::leave(const core::UserId& user, const std::string& room_id,
                        const std::optional<std::string>& reason) {
  const auto current = store_.membership(room_id, user.str());
  if (!current || current->membership == "leave" || current->membership == "ban") {
    if (!store_.room(room_id)) {
      throw MatrixError(ErrCode::NotFound, "Unknown room");
    }
    if (current && current->membership == "leave") {
      return;  // leaving twice is not an error
    }
    throw MatrixError(ErrCode::Forbidden, "You are not in this room");
  }
  send(room_id, EventDraft{user.str(), std::string(kMember), user.str(),
                           memberContent(user, "leave", reason, false, false), std::nullopt});
}

void RoomService::setMembership(const core::UserId& sender, const std::string& room_id,
                                const core::UserId& target, MembershipAction action,
                                const std::optional<std::string>& reason) {
  const auto current = store_.membership(room_id, target.str());
  const std::string now = current ? current->membership : "leave";
  // The auth rules let a sender with the ban level turn a ban into a leave, so a kick of a
  // banned user would lift the ban: only /unban may (Synapse refuses the kick too).
  if (action == MembershipAction::kKick && now == "ban") {
    throw MatrixError(ErrCode::Forbidden, target.str() + " is banned; only unbanning lifts a ban");
  }
  if (action == MembershipAction::kKick && now == "leave") {
    throw MatrixError(ErrCode::Forbidden, target.str() + " is not in the room");
  }
  if (action == MembershipAction::kUnban && now != "ban") {
    throw MatrixError(ErrCode::Forbidden, target.str() + " is not banned");
  }
  const char* membership = action == MembershipAction::kBan ? "ban" : "leave";
  send(room_id, EventDraft{sender.str(), std::string(kMember), target.str(),
                           memberContent(target, membership, reason, false, false), std::nullopt});
}

void RoomService::refreshProfile(const core::UserId& user) {
  const std::string content = memberContent(user, "join", std::nullopt, false, true);
  for (const auto& r : store_.roomsOfUser(user.str())) {
    if (r.membership == "join") {
      send(r.room_id, EventDraft{user.str(), std::string(kMember), user.str(), content, std::nullopt});
    }
  }
}

void RoomService::forget(const core::UserId& user, const std::string& room_id) {
  const auto current = store_.membership(room_id, user.str());
  if (!current) {
    throw MatrixError(ErrCode::NotFound, "You were never in this room");
  }
  if (current->membership == "join" || current->membership == "invite") {
    throw MatrixError(ErrCode::Unknown, "You must leave the room before forgetting it", 400);
  }
  store_.setForgotten(room_id, user.str());
  pipeline_.facts().invalidate(room_id);
}

}  // namespace hs::rooms

namespace hs::rooms {

std::string addDirectRoom(const std::optional<std::string>& m_direct, const std::string& other_user,
                          const std::string& room_id) {
  json::Document doc(rapidjson::kObjectType);
  if (auto parsed = m_direct ? json::tryParse(*m_direct) : std::nullopt; parsed && parsed->IsObject()) {
    doc = std::move(*parsed);
  }
  auto& a = doc.GetAllocator();
  if (!doc.HasMember(other_user.c_str()) || !doc[other_user.c_str()].IsArray()) {
    doc.RemoveMember(other_user.c_str());
    doc.AddMember(json::Value(other_user.c_str(), a), json::Value(rapidjson::kArrayType), a);
  }
  json::Value& rooms = doc[other_user.c_str()];
  for (const auto& r : rooms.GetArray()) {
    if (r.IsString() && room_id == r.GetString()) {
      return json::toString(doc);
    }
  }
  rooms.PushBack(json::Value(room_id.c_str(), a), a);
  return json::toString(doc);
}

}  // namespace hs::rooms
