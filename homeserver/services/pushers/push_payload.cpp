#include "homeserver/services/pushers/push_payload.h"

#include "homeserver/core/json.h"

namespace hs::pushers {

namespace {
// Tweaks from set_tweak actions: {"sound":"default","highlight":true}.
void writeTweaks(json::Writer& w, const std::string& actions, bool& loud) {
  w.key("tweaks").startObject();
  loud = false;
  const auto doc = json::tryParse(actions);
  if (doc && doc->IsArray()) {
    for (const auto& a : doc->GetArray()) {
      const json::Value* name = a.IsObject() ? json::member(a, "set_tweak") : nullptr;
      if (name == nullptr || !name->IsString()) {
        continue;
      }
      const json::Value* value = json::member(a, "value");
      w.key(name->GetString());
      if (value != nullptr) {
        w.value(*value);
      } else {
        w.boolean(true);
      }
      loud = loud || std::string_view(name->GetString()) == "sound" ||
             (std::string_view(name->GetString()) == "highlight" && (value == nullptr || value->IsTrue()));
    }
  }
  w.endObject();
}

void writeDevice(json::Writer& w, const Pusher& p, const std::string& actions, bool& loud) {
  w.startObject().key("app_id").string(p.app_id).key("pushkey").string(p.pushkey);
  w.key("pushkey_ts").integer(p.pushkey_ts / 1000).key("data").startObject();
  if (const auto data = json::tryParse(p.data); data && data->IsObject()) {
    for (const auto& m : data->GetObject()) {
      if (std::string_view(m.name.GetString()) != "url") {
        w.key(m.name.GetString()).value(m.value);
      }
    }
  }
  w.endObject();
  writeTweaks(w, actions, loud);
  w.endObject();
}

std::string dataString(const Pusher& p, const char* key) {
  const auto data = json::tryParse(p.data);
  const json::Value* v = data && data->IsObject() ? json::member(*data, key) : nullptr;
  return v && v->IsString() ? v->GetString() : "";
}
}  // namespace

std::string gatewayUrl(const Pusher& p) { return dataString(p, "url"); }

std::string gatewayBody(const PushContent& c, const Pusher& p) {
  const bool ids_only = dataString(p, "format") == "event_id_only";
  json::Writer w;
  w.startObject().key("notification").startObject();
  w.key("event_id").string(c.event_id).key("room_id").string(c.room_id);
  if (!ids_only) {
    w.key("type").string(c.type).key("sender").string(c.sender);
    w.optString("sender_display_name", c.sender_display_name).optString("room_name", c.room_name);
    if (c.content) {
      w.key("content").raw(*c.content);
    }
    if (c.user_is_target) {
      w.key("user_is_target").boolean(true);
    }
  }
  w.key("counts").startObject();
  if (c.unread > 0) {  // the spec: zero counts are left out
    w.key("unread").integer(c.unread);
  }
  w.endObject();
  bool loud = false;
  w.key("devices").startArray();
  writeDevice(w, p, c.actions, loud);
  w.endArray();
  w.key("prio").string(loud ? "high" : "low").endObject().endObject();
  return w.take();
}

std::vector<std::string> rejectedPushkeys(const std::string& answer) {
  std::vector<std::string> out;
  const auto doc = json::tryParse(answer);
  const json::Value* list = doc && doc->IsObject() ? json::member(*doc, "rejected") : nullptr;
  if (list != nullptr && list->IsArray()) {
    for (const auto& k : list->GetArray()) {
      if (k.IsString()) {
        out.emplace_back(k.GetString());
      }
    }
  }
  return out;
}

}  // namespace hs::pushers
