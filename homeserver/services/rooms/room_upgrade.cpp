// RoomService::upgradeRoom (POST /rooms/{roomId}/upgrade), as the spec's room upgrades module
// describes it: a replacement room with the old one as its predecessor and a copy of its
// transferable state, the local aliases moved over, a tombstone in the old room, and the old
// room's power levels raised so nobody speaks or invites there any more.
#include <algorithm>
#include <array>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/power_levels.h"
#include "homeserver/services/rooms/room_service.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {

// The spec's recommended list (the canonical alias follows the moved aliases).
constexpr std::array<std::string_view, 10> kTransferred = {
    "m.room.server_acl", "m.room.encryption",        "m.room.name",       "m.room.avatar",
    "m.room.topic",      "m.room.guest_access",      "m.room.history_visibility",
    "m.room.join_rules", "m.room.power_levels",      "m.room.canonical_alias"};

const Event* find(const std::vector<Event>& state, std::string_view type) {
  const auto it = std::find_if(state.begin(), state.end(), [&](const Event& e) { return e.type == type; });
  return it == state.end() ? nullptr : &*it;
}

// The old power levels for the new room, with the upgrading user able to send every piece of
// copied state (`raised` tells whether that changed anything), and in room v12 without the
// creators, who may not be listed there.
std::string newPowerLevels(const Event* pl, const std::string& user, const RoomVersionRules& target,
                           const std::vector<std::string>& creators, bool& raised) {
  json::Document doc(rapidjson::kObjectType);
  if (pl != nullptr) {
    doc.CopyFrom(pl->content(), doc.GetAllocator());
  }
  auto& a = doc.GetAllocator();
  if (!doc.HasMember("users") || !doc["users"].IsObject()) {
    doc.RemoveMember("users");
    doc.AddMember("users", json::Value(rapidjson::kObjectType), a);
  }
  json::Value& users = doc["users"];
  raised = false;
  if (target.creators_infinitely_powerful) {
    for (const auto& c : creators) {
      users.RemoveMember(c.c_str());
    }
    return json::toString(doc);
  }
  const PowerLevels levels = PowerLevels::fromContent(doc, target.id);
  int64_t needed = std::max({levels.stateDefault(), levels.ban(), levels.kick(), levels.redact(),
                             levels.invite(), int64_t{100}});
  for (const auto& [type, level] : levels.events()) {
    needed = std::max(needed, level);
  }
  if (levels.userLevel(user) < needed) {
    users.RemoveMember(user.c_str());
    users.AddMember(json::Value(user.c_str(), a), json::Value(needed), a);
    raised = true;
  }
  return json::toString(doc);
}

std::string tombstoneContent(const std::string& replacement) {
  json::Writer w;
  w.startObject().key("body").string("This room has been replaced").key("replacement_room").string(replacement);
  return w.endObject().take();
}

// The old room's power levels with speaking and inviting closed: events_default and invite at
// the greater of 50 and users_default + 1.
std::string closedPowerLevels(const Event* pl, const RoomVersionRules& rules) {
  json::Document doc(rapidjson::kObjectType);
  if (pl != nullptr) {
    doc.CopyFrom(pl->content(), doc.GetAllocator());
  }
  const int64_t closed =
      std::max<int64_t>(50, PowerLevels::fromContent(doc, rules.id).usersDefault() + 1);
  for (const char* key : {"events_default", "invite"}) {
    doc.RemoveMember(key);
    doc.AddMember(json::Value(key, doc.GetAllocator()), json::Value(closed), doc.GetAllocator());
  }
  return json::toString(doc);
}

}  // namespace

// What the upgrade copies, read under the old room's lock (released before anything else).
RoomService::UpgradeSource RoomService::readUpgradeSource(const core::UserId& user, const std::string& room_id) {
  auto batch = pipeline_.open(room_id);
  const RoomVersionRules& rules = *findRoomVersion(batch.room().room_version);
  std::vector<StateKey> keys{{std::string(kCreate), ""}, {std::string(kMember), user.str()},
                             {"m.room.tombstone", ""}};
  for (const auto type : kTransferred) {
    keys.emplace_back(std::string(type), "");
  }
  UpgradeSource source{batch.room(), batch.writer().stateEvents(keys), ""};
  const Event* create = find(source.state, kCreate);
  const Event* me = nullptr;
  for (const auto& e : source.state) {
    me = e.type == kMember ? &e : me;
  }
  const PowerLevels levels = PowerLevels::fromState(find(source.state, kPowerLevels), create, rules);
  if (me == nullptr || me->membership() != "join" ||
      levels.userLevel(user.str()) < levels.requiredLevel("m.room.tombstone", true)) {
    throw MatrixError(ErrCode::Forbidden, "You cannot upgrade this room");
  }
  const auto extremities = batch.writer().extremities();
  source.last_event = extremities.empty() ? "" : extremities.front().first;
  return source;
}

std::string RoomService::upgradeRoom(const core::UserId& user, const std::string& room_id,
                                     const std::string& new_version,
                                     const std::vector<std::string>& additional_creators) {
  const RoomVersionRules* target = findRoomVersion(new_version);
  if (target == nullptr) {
    throw MatrixError(ErrCode::UnsupportedRoomVersion, "Room version " + new_version + " is not supported");
  }
  UpgradeSource old = readUpgradeSource(user, room_id);
  std::vector<std::string> creators{user.str()};
  if (target->creators_infinitely_powerful) {
    creators.insert(creators.end(), additional_creators.begin(), additional_creators.end());
  }
  CreateRoomParams params;
  params.room_version = new_version;
  params.visibility = old.room.is_public ? "public" : "private";
  params.creation_content = upgradeCreationContent(old, *target, additional_creators);
  bool raised = false;
  const Event* pl = find(old.state, kPowerLevels);
  params.power_level_content_override = newPowerLevels(pl, user.str(), *target, creators, raised);
  for (const auto& e : old.state) {
    const bool copied = std::find(kTransferred.begin(), kTransferred.end(), e.type) != kTransferred.end();
    if (copied && e.type != kPowerLevels && e.state_key == "") {
      params.initial_state.push_back({e.type, "", json::toString(e.content())});
    }
  }
  const std::string replacement = createRoom(user, params);
  if (raised && pl != nullptr) {  // the copied levels as they were, now the state is in
    send(replacement, EventDraft{user.str(), std::string(kPowerLevels), "", json::toString(pl->content()), std::nullopt});
  }
  store_.moveAliases(room_id, replacement);
  closeOldRoom(user, old, replacement);
  return replacement;
}

std::string RoomService::upgradeCreationContent(const UpgradeSource& old, const RoomVersionRules& target,
                                                const std::vector<std::string>& additional_creators) {
  json::Writer w;
  w.startObject().key("predecessor").startObject().key("room_id").string(old.room.room_id);
  if (!target.room_id_is_create_hash && !old.last_event.empty()) {  // optional from v12 on
    w.key("event_id").string(old.last_event);
  }
  w.endObject();
  if (const Event* create = find(old.state, kCreate)) {
    if (const json::Value* type = json::member(create->content(), "type")) {
      w.key("type").value(*type);
    }
  }
  if (target.creators_infinitely_powerful && !additional_creators.empty()) {
    w.key("additional_creators").startArray();
    for (const auto& c : additional_creators) {
      w.string(c);
    }
    w.endArray();
  }
  return w.endObject().take();
}

// The tombstone, the canonical alias (now pointing elsewhere) cleared, speaking closed.
void RoomService::closeOldRoom(const core::UserId& user, const UpgradeSource& old,
                               const std::string& replacement) {
  auto batch = pipeline_.open(old.room.room_id);
  const RoomVersionRules& rules = *findRoomVersion(old.room.room_version);
  const auto state = [&](const std::string& type, std::string content) {
    batch.appendLocal(EventDraft{user.str(), type, "", std::move(content), std::nullopt});
  };
  state("m.room.tombstone", tombstoneContent(replacement));
  // Each of these may need more power than the tombstone did: without it, the tombstone alone
  // has to do (a refused event is refused before anything is written).
  try {
    if (find(old.state, "m.room.canonical_alias") != nullptr) {
      state("m.room.canonical_alias", "{}");
    }
  } catch (const MatrixError&) {
  }
  try {
    state(std::string(kPowerLevels), closedPowerLevels(find(old.state, kPowerLevels), rules));
  } catch (const MatrixError&) {
  }
  batch.commit();
}

}  // namespace hs::rooms
