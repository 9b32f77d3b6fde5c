#include "homeserver/services/notifications/event_notifier.h"

#include "homeserver/services/notifications/event_text.h"
#include "homeserver/services/push_rules/push_evaluator.h"
#include "homeserver/services/rooms/client_render.h"

namespace hs::notifications {

namespace {
std::string contentString(const std::optional<rooms::StoredEvent>& e, const char* key) {
  if (!e) {
    return "";
  }
  const auto doc = json::tryParse(e->client_json);
  const json::Value* c = doc && doc->IsObject() ? json::member(*doc, "content") : nullptr;
  const json::Value* v = c && c->IsObject() ? json::member(*c, key) : nullptr;
  return v && v->IsString() ? v->GetString() : "";
}

struct PowerInfo {
  std::map<std::string, int64_t> users;
  int64_t users_default = 0;
  std::map<std::string, int64_t> notifications;
};

PowerInfo powerInfo(const std::optional<rooms::StoredEvent>& pl) {
  PowerInfo p;
  const auto doc = pl ? json::tryParse(pl->client_json) : std::nullopt;
  const json::Value* c = doc && doc->IsObject() ? json::member(*doc, "content") : nullptr;
  if (c == nullptr || !c->IsObject()) {
    return p;
  }
  auto read_map = [&](const char* key, std::map<std::string, int64_t>& out) {
    const json::Value* m = json::member(*c, key);
    if (m && m->IsObject()) {
      for (const auto& kv : m->GetObject()) {
        if (kv.value.IsInt64()) {
          out[kv.name.GetString()] = kv.value.GetInt64();
        }
      }
    }
  };
  read_map("users", p.users);
  read_map("notifications", p.notifications);
  if (const json::Value* d = json::member(*c, "users_default"); d && d->IsInt64()) {
    p.users_default = d->GetInt64();
  }
  return p;
}

Notification rowFor(const std::string& user, const FeedEntry& entry, const rooms::StoredEvent& e,
                    const std::string& thread, const push_rules::EvalResult& verdict) {
  Notification n;
  n.user_id = user;
  n.type = entry.type;
  n.title = entry.title;
  n.body = entry.body;
  n.related_id = entry.related_id;
  n.room_id = e.room_id;
  n.event_id = e.event_id;
  n.stream_pos = e.stream_pos;
  n.thread_id = thread;
  n.notify = verdict.notify;
  n.highlight = verdict.notify && verdict.highlight;
  n.actions = verdict.actions;
  return n;
}
}  // namespace

struct EventNotifier::RoomFacts {
  std::string room_id;
  std::string name;
  std::vector<rooms::Member> members;
  int64_t joined = 0;
  PowerInfo power;
};

EventNotifier::RoomFacts EventNotifier::roomFacts(const std::string& room_id) {
  RoomFacts f;
  f.room_id = room_id;
  f.name = contentString(rooms_.stateEvent(room_id, "m.room.name", ""), "name");
  if (f.name.empty()) {
    f.name = contentString(rooms_.stateEvent(room_id, "m.room.canonical_alias", ""), "alias");
  }
  f.members = rooms_.members(room_id);
  for (const auto& m : f.members) {
    f.joined += m.membership == "join";
  }
  f.power = powerInfo(rooms_.stateEvent(room_id, "m.room.power_levels", ""));
  return f;
}

bool EventNotifier::isDirectFor(const std::string& user, const std::string& room_id) {
  const auto m_direct = account_data_.get(user, "", "m.direct");
  const auto doc = m_direct ? json::tryParse(*m_direct) : std::nullopt;
  if (!doc || !doc->IsObject()) {
    return false;
  }
  for (const auto& kv : doc->GetObject()) {
    if (kv.value.IsArray()) {
      for (const auto& r : kv.value.GetArray()) {
        if (r.IsString() && room_id == r.GetString()) {
          return true;
        }
      }
    }
  }
  return false;
}

void EventNotifier::onEvents(const std::string& room_id, const std::vector<std::string>& event_ids) {
  if (event_ids.empty()) {
    return;
  }
  const RoomFacts room = roomFacts(room_id);  // the state after the batch: good enough for text
  for (const auto& id : event_ids) {
    if (auto e = rooms_.eventById(id)) {
      onEvent(*e, room);
    }
  }
}

void EventNotifier::onEvent(const rooms::StoredEvent& e, const RoomFacts& room) {
  const auto doc = json::tryParse(rooms::renderEvent(e, rooms::RenderContext{}));
  if (!doc || !doc->IsObject()) {
    return;
  }
  const std::string thread = threadOf(*doc);
  notifications_.readUpTo(e.sender, room.room_id, thread, e.stream_pos);
  std::string sender_name = e.sender;
  for (const auto& m : room.members) {
    if (m.user_id == e.sender && m.displayname) {
      sender_name = *m.displayname;
    }
  }
  push_rules::EvalContext ctx;
  ctx.room_id = room.room_id;
  ctx.member_count = room.joined;
  const auto power = room.power.users.find(e.sender);
  ctx.sender_power = power != room.power.users.end() ? power->second : room.power.users_default;
  ctx.notification_levels = room.power.notifications;
  std::vector<Notification> rows;
  for (const auto& m : room.members) {
    const bool invited_now = m.membership == "invite" && e.state_key && *e.state_key == m.user_id;
    if (m.user_id == e.sender || (m.membership != "join" && !invited_now) || blocked_(m.user_id, e.sender)) {
      continue;
    }
    ctx.user_id = m.user_id;
    ctx.display_name = m.displayname;
    const auto verdict = push_rules::evaluate(push_rules_.rules(m.user_id), *doc, ctx);
    EventFacts facts{&*doc, m.user_id, sender_name, room.name, isDirectFor(m.user_id, room.room_id),
                     verdict.notify};
    if (const auto entry = feedEntryFor(facts)) {
      rows.push_back(rowFor(m.user_id, *entry, e, thread, verdict));
    }
  }
  notifications_.add(std::move(rows));
}

}  // namespace hs::notifications
