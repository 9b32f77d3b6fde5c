#include "homeserver/services/notifications/event_notifier.h"

#include "homeserver/services/notifications/event_text.h"
#include "homeserver/services/push_rules/push_evaluator.h"
#include "homeserver/services/rooms/client_render.h"

namespace hs::notifications {

namespace {
constexpr int64_t kMembershipNewsMaxMembers = 50;

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

// What every event of one commit shares: the room, and its recipients' m.direct rooms.
struct EventNotifier::Room {
  std::string room_id;
  std::string name;
  const std::vector<rooms::Member>* members = nullptr;
  int64_t joined = 0;
  PowerInfo power;
  std::set<std::string> direct_for;  // recipients for whom m.direct lists the room
  bool has_recipients = false;       // anyone in the room but the senders
};

namespace {
bool listsRoom(const std::string& m_direct, const std::string& room_id) {
  const auto doc = json::tryParse(m_direct);
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
}  // namespace

void EventNotifier::onEvents(const std::vector<rooms::StoredEvent>& events, const rooms::RoomFacts& facts) {
  if (events.empty()) {
    return;
  }
  Room room;  // the state after the batch: good enough for text
  room.room_id = events.front().room_id;
  room.name = contentString(facts.name, "name");
  if (room.name.empty()) {
    room.name = contentString(facts.canonical_alias, "alias");
  }
  room.members = &facts.members;
  std::set<std::string> senders;
  for (const auto& e : events) {
    senders.insert(e.sender);
  }
  std::vector<std::string> recipients;
  for (const auto& m : facts.members) {
    room.joined += m.membership == "join";
    if ((m.membership == "join" || m.membership == "invite") && senders.count(m.user_id) == 0) {
      recipients.push_back(m.user_id);
    }
  }
  room.has_recipients = !recipients.empty();
  room.power = powerInfo(facts.power_levels);
  // One read for every recipient's m.direct instead of one per recipient per event.
  for (const auto& [user, content] : account_data_.getForUsers(recipients, "", "m.direct")) {
    if (listsRoom(content, room.room_id)) {
      room.direct_for.insert(user);
    }
  }
  for (const auto& e : events) {
    onEvent(e, room);
  }
}

void EventNotifier::onEvent(const rooms::StoredEvent& e, const Room& room) {
  const auto doc = json::tryParse(rooms::renderEvent(e, rooms::RenderContext{}));
  if (!doc || !doc->IsObject()) {
    return;
  }
  const std::string thread = threadOf(*doc);
  notifications_.readUpTo(e.sender, room.room_id, thread, e.stream_pos);
  std::string sender_name = e.sender;
  for (const auto& m : *room.members) {
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
  const std::set<std::string> blockers = room.has_recipients ? blockers_(e.sender) : std::set<std::string>{};
  // Someone else joining or leaving is news in a group of friends but noise in a big room,
  // and there a feed row per member per change grows as members squared: past this size only
  // a change of the recipient's own membership (an invite, a kick) is evaluated.
  const bool big_room = room.joined > kMembershipNewsMaxMembers && e.type == "m.room.member";
  for (const auto& m : *room.members) {
    const bool invited_now = m.membership == "invite" && e.state_key && *e.state_key == m.user_id;
    if (m.user_id == e.sender || (m.membership != "join" && !invited_now) || blockers.count(m.user_id) != 0) {
      continue;
    }
    if (big_room && e.state_key != m.user_id) {
      continue;
    }
    ctx.user_id = m.user_id;
    ctx.display_name = m.displayname;
    const auto verdict = push_rules::evaluate(push_rules_.rules(m.user_id), *doc, ctx);
    EventFacts facts{&*doc, m.user_id, sender_name, room.name, room.direct_for.count(m.user_id) != 0,
                     verdict.notify};
    if (const auto entry = feedEntryFor(facts)) {
      rows.push_back(rowFor(m.user_id, *entry, e, thread, verdict));
    }
  }
  notifications_.add(std::move(rows), /*wake=*/false);  // RoomService wakes the room next
}

}  // namespace hs::notifications
