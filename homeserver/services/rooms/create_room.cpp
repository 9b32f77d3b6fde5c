// RoomService: createRoom, in the order the spec requires (ALGORITHMS §24), and aliases.
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/room_service.h"
#include "homeserver/services/rooms/state_permission.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxAliasBytes = 255;

struct Preset {
  const char* join_rule;
  const char* guest_access;
  bool invitees_are_admins;
};

Preset presetFor(const CreateRoomParams& p) {
  const std::string preset =
      p.preset.value_or(p.visibility.value_or("private") == "public" ? "public_chat" : "private_chat");
  if (preset == "public_chat") {
    return {"public", "forbidden", false};
  }
  if (preset == "trusted_private_chat") {
    return {"invite", "can_join", true};
  }
  if (preset == "private_chat") {
    return {"invite", "can_join", false};
  }
  throw MatrixError(ErrCode::InvalidParam, "Unknown preset: " + preset);
}

json::Document parseObjectOrEmpty(const std::optional<std::string>& text) {
  if (auto parsed = text ? json::tryParse(*text) : std::nullopt; parsed && parsed->IsObject()) {
    return std::move(*parsed);
  }
  return json::Document(rapidjson::kObjectType);
}

// Merges `override` into `base`, top-level keys replacing.
void mergeTopLevel(json::Document& base, const json::Document& override) {
  auto& a = base.GetAllocator();
  for (const auto& m : override.GetObject()) {
    base.RemoveMember(m.name);
    base.AddMember(json::Value(m.name, a), json::Value(m.value, a), a);
  }
}

// ALGORITHMS §17's createRoom content. Room v12 creators are infinitely powerful and must not
// be listed; trusted invitees become additional creators there instead.
std::string powerLevels(const core::UserId& creator, const CreateRoomParams& p, bool invitees_admin,
                        const RoomVersionRules& rules) {
  const bool v12 = rules.creators_infinitely_powerful;
  json::Writer w;
  w.startObject().key("users").startObject();
  if (!v12) {
    w.key(creator.str()).integer(100);
  }
  if (invitees_admin && !v12) {
    for (const auto& u : p.invite) {
      if (u != creator.str()) {
        w.key(u).integer(100);
      }
    }
  }
  w.endObject();
  w.key("users_default").integer(0).key("events_default").integer(0).key("state_default").integer(50);
  w.key("ban").integer(50).key("kick").integer(50).key("redact").integer(50).key("invite").integer(0);
  w.key("events").startObject();
  for (const char* t : {"m.room.name", "m.room.avatar", "m.room.canonical_alias", "m.room.topic"}) {
    w.key(t).integer(50);
  }
  for (const char* t : {"m.room.power_levels", "m.room.history_visibility", "m.room.server_acl",
                        "m.room.encryption"}) {
    w.key(t).integer(100);
  }
  w.key("m.room.tombstone").integer(v12 ? 150 : 100);  // v12: above state_default, say 150
  w.endObject().key("notifications").startObject().key("room").integer(50).endObject().endObject();
  json::Document doc = parseObjectOrEmpty(w.take());
  mergeTopLevel(doc, parseObjectOrEmpty(p.power_level_content_override));
  return json::toString(doc);
}

std::string createContent(const core::UserId& creator, const CreateRoomParams& p,
                          const RoomVersionRules& rules, bool invitees_admin) {
  json::Document doc = parseObjectOrEmpty(p.creation_content);
  auto& a = doc.GetAllocator();
  doc.RemoveMember("room_version");
  doc.AddMember("room_version", json::Value(std::string(rules.id).c_str(), a), a);
  doc.RemoveMember("creator");
  if (!rules.creator_is_sender) {
    doc.AddMember("creator", json::Value(creator.str().c_str(), a), a);  // v11 uses the sender
  }
  if (rules.creators_infinitely_powerful && invitees_admin && !doc.HasMember("additional_creators")) {
    json::Value extra(rapidjson::kArrayType);
    for (const auto& u : p.invite) {
      if (u != creator.str()) {
        extra.PushBack(json::Value(u.c_str(), a), a);
      }
    }
    doc.AddMember("additional_creators", extra, a);
  }
  return json::toString(doc);
}

std::string stringContent(const char* key, const std::string& value) {
  json::Writer w;
  w.startObject().key(key).string(value).endObject();
  return w.take();
}
}  // namespace

// Everything after the create event, in the order the spec asks for.
void RoomService::sendCreationEvents(EventPipeline::Batch& batch, const core::UserId& creator,
                                     const std::string& creator_join,
                                     const CreateRoomParams& params,
                                     const std::optional<std::string>& alias) {
  const Preset preset = presetFor(params);
  const std::string c = creator.str();
  auto state = [&](const std::string& type, const std::string& key, std::string content) {
    batch.appendLocal(EventDraft{c, type, key, std::move(content), std::nullopt});
  };
  const RoomVersionRules& rules = *findRoomVersion(batch.room().room_version);
  state(std::string(kMember), c, creator_join);
  state(std::string(kPowerLevels), "", powerLevels(creator, params, preset.invitees_are_admins, rules));
  if (alias) {
    state("m.room.canonical_alias", "", stringContent("alias", *alias));
  }
  state(std::string(kJoinRules), "", stringContent("join_rule", preset.join_rule));
  state("m.room.history_visibility", "", stringContent("history_visibility", "shared"));
  state("m.room.guest_access", "", stringContent("guest_access", preset.guest_access));
  for (const auto& s : params.initial_state) {
    state(s.type, s.state_key, s.content_json);
  }
  if (params.name) {
    state("m.room.name", "", stringContent("name", *params.name));
  }
  if (params.topic) {
    state("m.room.topic", "", stringContent("topic", *params.topic));
  }
}

std::string RoomService::createRoom(const core::UserId& creator, const CreateRoomParams& params) {
  const std::string version = params.room_version.value_or(config_.default_room_version);
  const RoomVersionRules* rules = findRoomVersion(version);
  if (rules == nullptr) {
    throw MatrixError(ErrCode::UnsupportedRoomVersion, "Room version " + version + " is not supported");
  }
  const Preset preset = presetFor(params);  // an unknown preset is refused before any write
  std::optional<std::string> alias;
  if (params.room_alias_name) {
    alias = "#" + *params.room_alias_name + ":" + config_.server_name;
    // The spec caps a whole room alias at 255 bytes.
    if (params.room_alias_name->empty() ||
        params.room_alias_name->find_first_of(":# ") != std::string::npos ||
        alias->size() > kMaxAliasBytes) {
      throw MatrixError(ErrCode::InvalidParam, "Invalid room_alias_name");
    }
    if (store_.aliasRoom(*alias)) {
      throw MatrixError(ErrCode::RoomInUse, "Room alias already taken");
    }
  }
  std::vector<std::pair<core::UserId, std::string>> invites;
  for (const auto& u : params.invite) {
    const core::UserId target = core::UserId::parse(u);
    if (target.server() != config_.server_name || !accounts_.findUser(target.str())) {
      throw MatrixError(ErrCode::NotFound, "Cannot invite " + u);
    }
    if (invite_check_) {
      invite_check_(creator, target);
    }
    invites.emplace_back(target, memberContent(target, "invite", std::nullopt, params.is_direct, true));
  }
  std::string room_id = "!";  // room v12 derives its ID from the create event instead
  room_id += random_.alnum(18);
  room_id += ":";
  room_id += config_.server_name;
  const RoomInfo room{rules->room_id_is_create_hash ? std::string() : room_id, version, creator.str(),
                      params.visibility.value_or("private") == "public"};
  // Read before the room's transaction opens: a second pooled connection while holding the
  // first deadlocks under concurrent createRoom calls.
  const std::string creator_join = memberContent(creator, "join", std::nullopt, false, true);
  auto batch = pipeline_.create(
      room, EventDraft{creator.str(), std::string(kCreate), "",
                       createContent(creator, params, *rules, preset.invitees_are_admins), std::nullopt});
  // Claimed inside the room's transaction: of two concurrent creations with one alias, the
  // second gets M_ROOM_IN_USE and leaves no room behind (the check above is only a fast path).
  if (alias && !batch.writer().insertAlias(*alias, creator.str())) {
    throw MatrixError(ErrCode::RoomInUse, "Room alias already taken");
  }
  sendCreationEvents(batch, creator, creator_join, params, alias);
  for (const auto& [target, content] : invites) {
    batch.appendLocal(EventDraft{creator.str(), std::string(kMember), target.str(), content, std::nullopt});
  }
  const std::string created = batch.room().room_id;
  batch.commit();
  return created;
}

void RoomService::createAlias(const core::UserId& user, const std::string& alias,
                              const std::string& room_id) {
  if (alias.size() < 4 || alias.size() > kMaxAliasBytes || alias[0] != '#' ||
      alias.find(':') == std::string::npos) {
    throw MatrixError(ErrCode::InvalidParam, "Invalid room alias");
  }
  if (alias.substr(alias.find(':') + 1) != config_.server_name) {
    throw MatrixError(ErrCode::InvalidParam, "Room alias must be on this server");
  }
  if (!store_.room(room_id)) {
    throw MatrixError(ErrCode::NotFound, "Unknown room");
  }
  const auto member = store_.membership(room_id, user.str());
  if (!member || member->membership != "join") {
    throw MatrixError(ErrCode::Forbidden, "You must be in the room to create an alias for it");
  }
  if (!store_.insertAlias(alias, room_id, user.str())) {
    throw MatrixError(ErrCode::Unknown, "Room alias already exists", 409);
  }
}

std::string RoomService::resolveAlias(const std::string& alias) {
  auto room = store_.aliasRoom(alias);
  if (!room) {
    throw MatrixError(ErrCode::NotFound, "Room alias not found");
  }
  return *room;
}

void RoomService::deleteAlias(const core::UserId& user, const std::string& alias) {
  const auto creator = store_.aliasCreator(alias);
  if (!creator) {
    throw MatrixError(ErrCode::NotFound, "Room alias not found");
  }
  // Besides its creator, the room's admins (who may set m.room.canonical_alias) may delete
  // an alias of their room, so one made by someone who since left can be taken back.
  const auto room_id = store_.aliasRoom(alias);
  if (*creator != user.str() &&
      !(room_id && maySendState(store_, *room_id, user.str(), "m.room.canonical_alias"))) {
    throw MatrixError(ErrCode::Forbidden,
                      "Only the alias's creator or the room's admins may delete it");
  }
  store_.deleteAlias(alias);
  if (room_id) {
    dropFromCanonicalAlias(user, *room_id, alias);
  }
}

}  // namespace hs::rooms
