#include "federation/inbound/edu_applier.h"

#include "homeserver/core/base64.h"
#include "homeserver/core/canonical_json.h"
#include "homeserver/core/digest.h"
#include "homeserver/core/ids.h"
#include "homeserver/services/e2ee/to_device_service.h"
#include "homeserver/services/ephemeral/ephemeral_service.h"
#include "homeserver/services/presence/presence_service.h"

namespace hs::fed {

namespace {
std::string str(const json::Value& v) { return {v.GetString(), v.GetStringLength()}; }

// The user, when it is a well-formed id of `origin`.
std::optional<std::string> userOf(const std::string& origin, const std::optional<std::string>& user) {
  if (!user) {
    return std::nullopt;
  }
  const auto id = core::UserId::parse(*user);  // throws for a malformed id
  return id.server() == origin ? std::optional<std::string>(id.str()) : std::nullopt;
}
}  // namespace

bool EduApplier::apply(const std::string& origin, const std::string& edu_type, const json::Value& content) {
  if (!content.IsObject()) {
    return false;
  }
  if (edu_type == "m.typing") {
    return typing(origin, content);
  }
  if (edu_type == "m.receipt") {
    return receipts(origin, content);
  }
  if (edu_type == "m.presence") {
    return presence(origin, content);
  }
  if (edu_type == "m.direct_to_device") {
    return t_.to_device.receiveRemote(origin, content);
  }
  if (edu_type == "m.device_list_update" || edu_type == "m.signing_key_update") {
    return keep(origin, edu_type, content);
  }
  return false;  // unknown EDU types are ignored
}

// {room_id, user_id, typing}
bool EduApplier::typing(const std::string& origin, const json::Value& content) {
  const auto room = json::optString(content, "room_id");
  const auto user = userOf(origin, json::optString(content, "user_id"));
  const auto typing = json::optBool(content, "typing");
  return room && user && typing && t_.ephemeral.applyRemoteTyping(*user, *room, *typing);
}

// {room_id: {"m.read": {user_id: {event_ids: [id], data: {ts, thread_id?}}}}}
bool EduApplier::receipts(const std::string& origin, const json::Value& content) {
  bool any = false;
  for (const auto& room : content.GetObject()) {
    const json::Value* reads = json::member(room.value, "m.read");
    if (reads == nullptr || !reads->IsObject()) {
      continue;  // only m.read travels; m.read.private never does
    }
    for (const auto& u : reads->GetObject()) {
      const auto user = userOf(origin, str(u.name));
      const json::Value* ids = json::member(u.value, "event_ids");
      if (!user || ids == nullptr || !ids->IsArray() || ids->Size() != 1 || !(*ids)[0].IsString()) {
        continue;
      }
      const json::Value* data = json::member(u.value, "data");
      const int64_t ts = data != nullptr ? json::optInt(*data, "ts").value_or(0) : 0;
      const std::string thread = data != nullptr ? json::optString(*data, "thread_id").value_or("") : "";
      any |= t_.ephemeral.applyRemoteReceipt(*user, str(room.name), str((*ids)[0]), thread == "main" ? "" : thread, ts);
    }
  }
  return any;
}

// {push: [{user_id, presence, status_msg?, last_active_ago?, currently_active?}]}
bool EduApplier::presence(const std::string& origin, const json::Value& content) {
  const json::Value* push = json::member(content, "push");
  if (push == nullptr || !push->IsArray()) {
    return false;
  }
  bool any = false;
  for (const auto& entry : push->GetArray()) {
    any |= t_.presence.applyRemote(origin, entry);
  }
  return any;
}

// Kept once: device lists by (user, stream_id), cross-signing updates by their content.
bool EduApplier::keep(const std::string& origin, const std::string& edu_type, const json::Value& content) {
  const auto user = userOf(origin, json::optString(content, "user_id"));
  if (!user) {
    return false;
  }
  std::string dedupe;
  if (edu_type == "m.device_list_update") {
    const auto stream_id = json::optInt(content, "stream_id");
    const auto device = json::optString(content, "device_id");
    if (!stream_id || !device) {
      return false;
    }
    dedupe = *user + "|" + *device + "|" + std::to_string(*stream_id);
  } else {
    dedupe = core::base64Encode(core::sha256(core::canonicalJson(content)));
  }
  return t_.store.keepEdu(origin, edu_type, *user, dedupe, json::toString(content));
}

}  // namespace hs::fed
