// FederatedRooms as the resident server: the join handshake other servers start with us
// (make_join v1, send_join v2; ALGORITHMS §23).
#include <algorithm>

#include "homeserver/core/event_crypto.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/federation/outbound.h"
#include "homeserver/services/rooms/federated_rooms.h"
#include "homeserver/services/rooms/pipeline_pdu_sink.h"
#include "homeserver/services/rooms/room_version.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
// The room, when a local user is joined to it (only then is our copy of it current).
RoomInfo residentRoom(RoomStore& store, const std::string& room_id, const std::string& us) {
  const auto room = store.room(room_id);
  if (room) {
    for (const auto& m : store.members(room_id)) {
      if (m.membership == "join" && domainOf(m.user_id) == us) {
        return *room;
      }
    }
  }
  throw MatrixError(ErrCode::NotFound, "This server is not in the room");
}

std::vector<std::string> joinedServers(RoomStore& store, const std::string& room_id, const std::string& us) {
  std::vector<std::string> joined;
  for (const auto& m : store.members(room_id)) {
    if (m.membership == "join") {
      joined.push_back(m.user_id);
    }
  }
  auto servers = outbound::remoteServersOf(joined, us);
  servers.insert(servers.begin(), us);
  return servers;
}

// send_join's (send_leave's) event must be the `membership` event of a user of the asking
// server (§23).
void checkMemberEvent(const json::Value& event, const std::string& origin, const std::string& room_id,
                      const std::string& membership) {
  const auto sender = json::optString(event, "sender");
  const json::Value* content = json::optObject(event, "content");
  if (json::optString(event, "type") != std::string(kMember) || !sender ||
      json::optString(event, "state_key") != sender || content == nullptr ||
      json::optString(*content, "membership") != membership) {
    throw MatrixError(ErrCode::BadJson, "Expected the sending user's own m.room.member " + membership + " event");
  }
  if (json::optString(event, "room_id") != room_id) {
    throw MatrixError(ErrCode::BadJson, "The event is for another room");
  }
  if (domainOf(*sender) != origin) {
    throw MatrixError(ErrCode::Forbidden, "The user does not belong to the requesting server");
  }
}

void writePdus(json::Writer& w, const std::vector<Event>& events) {
  w.startArray();
  for (const auto& e : events) {
    w.raw(json::toString(*e.json));
  }
  w.endArray();
}
}  // namespace

std::string FederatedRooms::makeJoin(const std::string& origin, const std::string& room_id,
                                     const std::string& user_id, const std::vector<std::string>& versions) {
  return makeMembership(origin, room_id, user_id, "join", versions.empty() ? std::vector<std::string>{"1"} : versions);
}

std::string FederatedRooms::makeMembership(const std::string& origin, const std::string& room_id,
                                           const std::string& user_id, const std::string& membership,
                                           const std::vector<std::string>& versions) {
  const auto user = core::UserId::parse(user_id);
  if (user.server() != origin) {
    throw MatrixError(ErrCode::Forbidden, "The user does not belong to the requesting server");
  }
  const RoomInfo room = residentRoom(pipeline_.store(), room_id, config_.server_name);
  if (!versions.empty() && std::find(versions.begin(), versions.end(), room.room_version) == versions.end()) {
    throw MatrixError(ErrCode::IncompatibleRoomVersion,
                      "The room's version " + room.room_version + " is not one the joining server supports");
  }
  NewEvent built;
  {
    auto batch = pipeline_.open(room_id);
    // Built as we would build it, authorized against the current state: M_FORBIDDEN when the
    // auth rules keep the user out. Nothing is written.
    const std::string content = R"({"membership":")" + membership + R"("})";
    built = batch.buildLocal(EventDraft{user_id, std::string(kMember), user_id, content, {}});
  }
  json::Document tmpl = json::parseObject(built.pdu_json);
  tmpl.RemoveMember("signatures");
  tmpl.RemoveMember("hashes");
  json::Writer w;
  w.startObject().key("room_version").string(room.room_version).key("event").raw(json::toString(tmpl));
  w.endObject();
  return w.take();
}

PduResult FederatedRooms::receiveMembership(const std::string& origin, const std::string& room_id,
                                            const std::string& event_id, const std::string& body,
                                            const std::string& membership) {
  const RoomInfo room = residentRoom(pipeline_.store(), room_id, config_.server_name);
  const auto event = json::parseObject(body);
  checkMemberEvent(event, origin, room_id, membership);
  if (findRoomVersion(room.room_version)->event_format != EventFormat::kV1 &&
      core::eventIdFor(event, room.room_version) != event_id) {
    throw MatrixError(ErrCode::BadJson, "The event's ID is not " + event_id);
  }
  ReceiveOptions options;
  options.relay = true;  // the room's other servers hear of it from us
  const PduResult r = pipeline_.receive(room_id, body, EventOrigin::kRemote, options);
  if (const auto error = outcomeError(r); error || r.status == PduStatus::kSoftFailed) {
    throw MatrixError(ErrCode::Forbidden, "The " + membership + " is not allowed: " + error.value_or(r.reason));
  }
  return r;
}

std::string FederatedRooms::sendJoin(const std::string& origin, const std::string& room_id,
                                     const std::string& event_id, const std::string& body) {
  const PduResult r = receiveMembership(origin, room_id, event_id, body, "join");
  const auto state = pipeline_.stateBeforeEvent(room_id, r.event_id);
  if (!state) {
    throw MatrixError(ErrCode::Forbidden, "The join is not in the room's timeline");
  }
  json::Writer w;
  w.startObject().key("origin").string(config_.server_name).key("members_omitted").boolean(false);
  w.key("state");
  writePdus(w, state->state);
  w.key("auth_chain");
  writePdus(w, state->auth_chain);
  w.key("event").raw(body).key("servers_in_room").startArray();
  for (const auto& s : joinedServers(pipeline_.store(), room_id, config_.server_name)) {
    w.string(s);
  }
  w.endArray().endObject();
  return w.take();
}

std::string FederatedRooms::makeLeave(const std::string& origin, const std::string& room_id,
                                      const std::string& user_id) {
  return makeMembership(origin, room_id, user_id, "leave", {});
}

std::string FederatedRooms::sendLeave(const std::string& origin, const std::string& room_id,
                                      const std::string& event_id, const std::string& body) {
  receiveMembership(origin, room_id, event_id, body, "leave");
  return "{}";
}

}  // namespace hs::rooms
