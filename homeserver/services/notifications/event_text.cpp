#include "homeserver/services/notifications/event_text.h"

#include "homeserver/services/notifications/notification_store.h"

namespace hs::notifications {

namespace {
constexpr size_t kMaxBodyBytes = 200;

std::string str(const json::Value* obj, const char* key) {
  if (obj == nullptr || !obj->IsObject()) {
    return "";
  }
  const json::Value* v = json::member(*obj, key);
  return v && v->IsString() ? std::string(v->GetString(), v->GetStringLength()) : "";
}

const json::Value* contentOf(const json::Value& e) { return json::member(e, "content"); }

// Cuts at a UTF-8 character boundary.
std::string truncated(std::string s) {
  if (s.size() <= kMaxBodyBytes) {
    return s;
  }
  size_t cut = kMaxBodyBytes;
  while (cut > 0 && (static_cast<unsigned char>(s[cut]) & 0xC0) == 0x80) {
    --cut;
  }
  return s.substr(0, cut) + "…";
}

std::string messageBody(const json::Value& e) {
  const std::string type = str(&e, "type");
  if (type == "m.room.encrypted") {
    return "Encrypted message";
  }
  if (type == "m.sticker") {
    return "Sticker";
  }
  return truncated(str(contentOf(e), "body"));
}

std::string roomLabel(const EventFacts& f) { return f.room_name.empty() ? "a group" : f.room_name; }

// A group_update's body: who changed what. Empty for changes that are not updates (a member
// only changing their profile).
std::string updateText(const EventFacts& f) {
  const json::Value& e = *f.event;
  const std::string type = str(&e, "type");
  const json::Value* c = contentOf(e);
  if (type == "m.room.name") return f.sender_name + " renamed the group to " + str(c, "name");
  if (type == "m.room.topic") return f.sender_name + " changed the topic to " + str(c, "topic");
  if (type == "m.room.avatar") return f.sender_name + " changed the group picture";
  if (type == "m.room.power_levels") return f.sender_name + " changed member roles";
  if (type != "m.room.member") return "";
  const std::string membership = str(c, "membership");
  const json::Value* unsigned_ = json::member(e, "unsigned");
  const json::Value* prev = unsigned_ && unsigned_->IsObject() ? json::member(*unsigned_, "prev_content") : nullptr;
  const std::string before = str(prev, "membership");
  const std::string target = str(&e, "state_key");
  const std::string who = target == f.recipient ? "you" : (str(c, "displayname").empty() ? target : str(c, "displayname"));
  if (membership == before) return "";  // a profile change
  if (membership == "join") return who == "you" ? "You joined" : who + " joined";
  if (membership == "invite") return f.sender_name + " invited " + who;
  if (membership == "ban") return f.sender_name + " banned " + who;
  if (membership == "leave") {
    return str(&e, "sender") == target ? who + " left" : f.sender_name + " removed " + who;
  }
  return "";
}
}  // namespace

std::string threadOf(const json::Value& event) {
  const json::Value* c = contentOf(event);
  const json::Value* rel = c && c->IsObject() ? json::member(*c, "m.relates_to") : nullptr;
  if (str(rel, "rel_type") == "m.thread" && !str(rel, "event_id").empty()) {
    return str(rel, "event_id");
  }
  return kMainThread;
}

std::optional<FeedEntry> feedEntryFor(const EventFacts& f) {
  const json::Value& e = *f.event;
  const std::string type = str(&e, "type");
  const std::string room_id = str(&e, "room_id");
  const std::string event_id = str(&e, "event_id");
  if (type == "m.room.member" && str(&e, "state_key") == f.recipient &&
      str(contentOf(e), "membership") == "invite") {
    const json::Value* is_direct = json::member(*contentOf(e), "is_direct");
    const bool direct = f.direct || (is_direct && is_direct->IsBool() && is_direct->GetBool());
    const std::string title = direct ? f.sender_name + " wants to chat with you"
                                       : f.sender_name + " invited you to " + roomLabel(f);
    return FeedEntry{kGroupInvite, title, f.room_name, room_id};
  }
  if (!f.direct && json::member(e, "state_key") != nullptr) {
    const std::string text = updateText(f);
    if (!text.empty()) {
      return FeedEntry{kGroupUpdate, roomLabel(f) + " was updated", text, room_id};
    }
  }
  if (!f.notify) {
    return std::nullopt;
  }
  const std::string title = f.direct || f.room_name.empty() ? f.sender_name
                                                            : f.sender_name + " in " + f.room_name;
  return FeedEntry{kNewMessage, title, messageBody(e), event_id};
}

}  // namespace hs::notifications
