// FederatedRooms: invites across servers (invite v2, ALGORITHMS §20 and §23). The inviting
// server builds the invite and sends it with the room's stripped state as full PDUs; the
// invitee's server checks it, signs it too and keeps the state, stripped, for /sync.
#include "homeserver/core/event_crypto.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/percent_encode.h"
#include "homeserver/services/rooms/federated_rooms.h"
#include "homeserver/services/rooms/pipeline_pdu_sink.h"
#include "homeserver/services/rooms/room_version.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
// What invite_room_state carries (§20), besides the inviter's own member event.
const std::vector<const char*> kStrippedTypes = {"m.room.create", "m.room.join_rules", "m.room.name",
                                                 "m.room.avatar", "m.room.topic", "m.room.canonical_alias",
                                                 "m.room.encryption"};
// At most this many stripped events are kept of what another server sends.
constexpr size_t kMaxStrippedEvents = 32;

void writeStripped(json::Writer& w, const json::Value& e) {
  const auto type = json::optString(e, "type");
  const json::Value* content = json::member(e, "content");
  if (!type || content == nullptr || !content->IsObject()) {
    return;
  }
  w.startObject().key("type").string(*type).key("state_key").string(json::optString(e, "state_key").value_or(""));
  w.key("sender").string(json::optString(e, "sender").value_or("")).key("content").raw(json::toString(*content));
  w.endObject();
}

// The invite_room_state a remote invitee's server sent, stripped to type, state_key, sender and
// content, with the invite itself last (clients show who invited them from it).
std::string strippedState(const json::Value* invite_room_state, const json::Value& invite) {
  json::Writer w;
  w.startArray();
  if (invite_room_state != nullptr && invite_room_state->IsArray()) {
    size_t n = 0;
    for (const auto& e : invite_room_state->GetArray()) {
      if (e.IsObject() && n++ < kMaxStrippedEvents) {
        writeStripped(w, e);
      }
    }
  }
  writeStripped(w, invite);
  w.endArray();
  return w.take();
}

void requireField(const json::Value& event, const char* key, const std::string& want, const char* what) {
  if (json::optString(event, key) != want) {
    throw MatrixError(ErrCode::BadJson, what);
  }
}
}  // namespace

void FederatedRooms::inviteRemote(const std::string& room_id, const EventDraft& draft) {
  const auto target = core::UserId::parse(draft.state_key.value_or(""));
  NewEvent invite;
  std::string version;
  json::Writer state;
  {
    auto batch = pipeline_.open(room_id);
    invite = batch.buildLocal(draft);
    version = batch.room().room_version;
    std::vector<StateKey> keys{{std::string(kMember), draft.sender}};
    for (const char* type : kStrippedTypes) {
      keys.emplace_back(type, "");
    }
    state.startArray();
    for (const auto& e : batch.writer().stateEvents(keys)) {
      state.raw(json::toString(*e.json));
    }
    state.endArray();
  }  // rolled back (nothing was written), and the room's lock released before the request
  json::Writer body;
  body.startObject().key("room_version").string(version).key("event").raw(invite.pdu_json);
  body.key("invite_room_state").raw(state.take()).endObject();
  const auto r = remote_.call(std::string(target.server()), "PUT",
                              "/_matrix/federation/v2/invite/" + core::percentEncode(room_id) + "/" +
                                  core::percentEncode(invite.event.event_id),
                              body.take());
  const auto answer = r.status == 200 ? json::tryParse(r.body) : std::nullopt;
  const json::Value* event = answer && answer->IsObject() ? json::optObject(*answer, "event") : nullptr;
  if (event == nullptr) {
    if (r.status == 403) {
      throw MatrixError(ErrCode::Forbidden, "The invitee's server refused the invite");
    }
    throw MatrixError(ErrCode::Unknown, "The invitee's server did not countersign the invite", 502);
  }
  // The reference hash leaves signatures out: the same ID means the invitee's server changed
  // nothing but its own signature.
  if (core::eventIdFor(*event, version) != invite.event.event_id) {
    throw MatrixError(ErrCode::Unknown, "The invitee's server changed the invite", 502);
  }
  ReceiveOptions options;
  options.relay = true;  // our own event, passed on to the room's servers once countersigned
  const PduResult stored = pipeline_.receive(room_id, json::toString(*event), EventOrigin::kRemote, options);
  if (const auto error = outcomeError(stored)) {
    throw MatrixError(ErrCode::Forbidden, "The invite was not stored: " + *error);
  }
}

std::string FederatedRooms::receiveInvite(const std::string& origin, const std::string& room_id,
                                          const std::string& event_id, const std::string& body) {
  const auto doc = json::parseObject(body);
  const std::string version = json::requireString(doc, "room_version");
  const RoomVersionRules* rules = findRoomVersion(version);
  if (rules == nullptr) {
    throw MatrixError(ErrCode::IncompatibleRoomVersion, "Room version " + version + " is not supported here");
  }
  const json::Value& event = json::requireObject(doc, "event");
  requireField(event, "room_id", room_id, "The invite is for another room");
  requireField(event, "type", std::string(kMember), "Not an m.room.member event");
  const json::Value* content = json::optObject(event, "content");
  if (content == nullptr || json::optString(*content, "membership") != "invite") {
    throw MatrixError(ErrCode::BadJson, "Not an invite");
  }
  const auto sender = core::UserId::parse(json::requireString(event, "sender"));
  const auto target = core::UserId::parse(json::requireString(event, "state_key"));
  if (sender.server() != origin) {
    throw MatrixError(ErrCode::Forbidden, "The invite's sender does not belong to the requesting server");
  }
  if (target.server() != config_.server_name || !accounts_.findUser(target.str())) {
    throw MatrixError(ErrCode::NotFound, "Unknown user " + target.str());
  }
  if (invite_check_) {
    invite_check_(sender, target);
  }
  auto* keys = pipeline_.keyLookup();
  if (keys == nullptr) {
    throw MatrixError(ErrCode::Forbidden, "This server cannot verify the invite's signatures");
  }
  json::Document signed_invite;
  signed_invite.CopyFrom(event, signed_invite.GetAllocator());
  CheckedPdu checked;
  try {
    checked = checkPdu(json::toString(event), room_id, *rules, *keys);  // the sender's signature
    if (checked.redacted || checked.event.event.event_id != event_id) {
      throw DroppedPdu(checked.redacted ? "its content hash does not match" : "its event ID is not " + event_id);
    }
    core::signEvent(signed_invite, config_.server_name, key_, version);
    checked = checkPdu(json::toString(signed_invite), room_id, *rules, *keys);
  } catch (const DroppedPdu& e) {
    throw MatrixError(ErrCode::Forbidden, std::string("The invite is refused: ") + e.what());
  }
  const std::string stripped = strippedState(json::member(doc, "invite_room_state"), event);
  pipeline_.storeRemoteMembership(RoomInfo{room_id, version, sender.str(), false}, checked, stripped);
  json::Writer w;
  w.startObject().key("event").raw(json::toString(signed_invite)).endObject();
  return w.take();
}

}  // namespace hs::rooms
