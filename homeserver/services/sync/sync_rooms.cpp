// SyncService: the per-room sections of a /sync response.
#include <algorithm>
#include <map>
#include <set>

#include "homeserver/services/rooms/event.h"
#include "homeserver/services/sync/sync_service.h"

namespace hs::sync {

namespace {
constexpr size_t kMaxHeroes = 5;
constexpr size_t kMaxTimeline = 100;

void writeEvents(json::Writer& w, const std::vector<rooms::StoredEvent>& events,
                 const rooms::RenderContext& rc) {
  w.startArray();
  for (const auto& e : events) {
    rooms::renderEvent(w, e, rc);
  }
  w.endArray();
}

// Stripped state (ALGORITHMS §20): type, state_key, content and sender only.
void writeStripped(json::Writer& w, const rooms::StoredEvent& e) {
  const auto doc = json::tryParse(e.client_json);
  w.startObject().key("type").string(e.type).key("state_key").string(e.state_key.value_or(""));
  w.key("sender").string(e.sender).key("content").value((*doc)["content"]).endObject();
}

bool strippedType(const std::string& type) {
  static const std::set<std::string> kTypes = {"m.room.create", "m.room.name", "m.room.avatar",
                                               "m.room.join_rules", "m.room.canonical_alias",
                                               "m.room.encryption", "m.room.topic"};
  return kTypes.count(type) != 0;
}
}  // namespace

void SyncService::joinedRooms(const SyncRequest& req, const std::vector<rooms::UserRoom>& joined,
                              int64_t from, int64_t to, const std::vector<AccountDataItem>& account_data,
                              RoomsOut& out) {
  std::vector<std::string> ids;
  for (const auto& r : joined) {
    ids.push_back(r.room_id);
  }
  std::set<std::string> with_events;
  const bool initial = !req.since;
  if (!initial) {
    for (auto& id : rooms_.roomsWithEvents(ids, from, to)) {
      with_events.insert(std::move(id));
    }
  }
  std::map<std::string, std::vector<ephemeral::Receipt>> receipts;
  for (auto& r : receipts_.between(ids, initial ? 0 : from, to)) {
    receipts[r.room_id].push_back(std::move(r));
  }
  const int64_t since_typing = req.since ? req.since->typing : -1;
  for (const auto& r : joined) {
    const bool fresh = initial || r.stream_pos > from;  // never synced this room before
    const bool typing_changed = typing_.roomSerial(r.room_id) > since_typing;
    const bool room_data = std::any_of(account_data.begin(), account_data.end(),
                                       [&](const auto& i) { return i.room_id == r.room_id; });
    auto it = receipts.find(r.room_id);
    if (!fresh && !req.full_state && !with_events.count(r.room_id) && it == receipts.end() &&
        !typing_changed && !room_data) {
      continue;
    }
    JoinedInput in{r, from, to, fresh, fresh || req.full_state,
                   it == receipts.end() ? std::vector<ephemeral::Receipt>{} : it->second, typing_changed};
    joinedRoom(req, in, account_data, out);
  }
}

void SyncService::writeEphemeral(json::Writer& w, const SyncRequest& req, const std::string& room_id,
                                 const std::vector<ephemeral::Receipt>& receipts, bool typing_changed,
                                 const std::set<std::string>& joined) {
  w.key("ephemeral").startObject().key("events").startArray();
  if (typing_changed) {
    w.startObject().key("type").string("m.typing").key("content").startObject().key("user_ids").startArray();
    for (const auto& u : typing_.typing(room_id)) {
      if (joined.count(u)) {  // someone who left while typing is typing no more
        w.string(u);
      }
    }
    w.endArray().endObject().endObject();
  }
  // event id -> receipt type -> user -> receipt
  std::map<std::string, std::map<std::string, std::map<std::string, const ephemeral::Receipt*>>> by_event;
  for (const auto& r : receipts) {
    if (r.receipt_type == "m.read.private" && r.user_id != req.user_id) {
      continue;  // private receipts are never shown to other users
    }
    by_event[r.event_id][r.receipt_type][r.user_id] = &r;
  }
  if (!by_event.empty()) {
    w.startObject().key("type").string("m.receipt").key("content").startObject();
    for (const auto& [event_id, types] : by_event) {
      w.key(event_id).startObject();
      for (const auto& [type, users] : types) {
        w.key(type).startObject();
        for (const auto& [user, r] : users) {
          w.key(user).startObject().key("ts").integer(r->ts);
          if (!r->thread_id.empty()) {
            w.key("thread_id").string(r->thread_id);
          }
          w.endObject();
        }
        w.endObject();
      }
      w.endObject();
    }
    w.endObject().endObject();
  }
  w.endArray().endObject();
}

// The events a joined room's timeline shows: newest `limit` in the window the user may see.
SyncService::Timeline SyncService::timelineFor(const SyncRequest& req, const JoinedInput& in) {
  const size_t limit = std::clamp<size_t>(req.filter.timeline_limit, 1, kMaxTimeline);
  // History visibility ("joined"/"invited") sets a floor below which the user sees nothing.
  int64_t floor = 0;
  try {
    floor = reader_.visibleRange(req.user_id, in.room.room_id).from_excl;
  } catch (const core::MatrixError&) {
    floor = in.to;  // may read nothing (should not happen for a joined user)
  }
  const int64_t from = in.timeline_fresh ? floor : std::max(in.from, floor);
  Timeline t;
  t.events = rooms_.roomEvents(in.room.room_id, from, in.to, limit + 1, true);
  t.limited = t.events.size() > limit;
  if (t.limited) {
    t.events.pop_back();
  }
  std::reverse(t.events.begin(), t.events.end());
  t.start = t.events.empty() ? in.to : t.events.front().stream_pos;
  return t;
}

// The state section: the state at the start of the timeline for a fresh room (or
// full_state), the changes since the last sync a limited timeline skipped otherwise; with
// lazy loading, members only for the timeline's senders (sent every time: redundant members
// are allowed, and the client may not know a sender who last spoke long ago).
std::vector<rooms::StoredEvent> SyncService::stateFor(const SyncRequest& req, const JoinedInput& in,
                                                      const Timeline& t) {
  const std::string& room_id = in.room.room_id;
  std::vector<rooms::StoredEvent> state;
  if (in.state_full) {
    state = rooms_.stateAt(room_id, t.start - 1);
  } else if (t.limited) {
    state = rooms_.stateChangedBetween(room_id, in.from, t.start - 1);
  }
  std::set<std::string> senders = {req.user_id};
  for (const auto& e : t.events) {
    senders.insert(e.sender);
  }
  std::erase_if(state, [&](const rooms::StoredEvent& e) {
    return e.stream_pos >= t.start ||
           (req.filter.lazy_load_members && e.type == rooms::kMember && !senders.count(*e.state_key));
  });
  if (req.filter.lazy_load_members && !in.state_full) {
    std::set<std::string> present;
    for (const auto& e : state) {
      if (e.type == rooms::kMember) {
        present.insert(*e.state_key);
      }
    }
    for (const auto& sender : senders) {
      auto m = present.count(sender) ? std::nullopt : rooms_.stateEvent(room_id, std::string(rooms::kMember), sender);
      if (m && m->stream_pos < t.start) {
        state.push_back(std::move(*m));
      }
    }
  }
  return state;
}

void SyncService::writeSummary(json::Writer& w, const SyncRequest& req, const std::vector<rooms::Member>& members) {
  int64_t joined_n = 0, invited_n = 0;
  std::vector<std::string> heroes;
  for (const auto& m : members) {
    joined_n += m.membership == "join";
    invited_n += m.membership == "invite";
    if ((m.membership == "join" || m.membership == "invite") && m.user_id != req.user_id &&
        heroes.size() < kMaxHeroes) {
      heroes.push_back(m.user_id);
    }
  }
  w.key("summary").startObject().key("m.heroes").startArray();
  for (const auto& h : heroes) {
    w.string(h);
  }
  w.endArray().key("m.joined_member_count").integer(joined_n);
  w.key("m.invited_member_count").integer(invited_n).endObject();
}

void SyncService::joinedRoom(const SyncRequest& req, const JoinedInput& in,
                             const std::vector<AccountDataItem>& account_data, RoomsOut& out) {
  const std::string& room_id = in.room.room_id;
  Timeline t = timelineFor(req, in);
  const auto state = stateFor(req, in, t);
  if (!t.events.empty()) {
    out.delivered.emplace_back(room_id, t.events.back().stream_pos);
  }
  // Blocked users' messages are left out (their state events stay: the room needs them).
  std::erase_if(t.events, [&](const rooms::StoredEvent& e) { return !e.state_key && out.hidden.count(e.sender); });
  rooms::RenderContext rc{req.user_id, req.device_id, clock_.nowMs(), {}, {}, {}};
  rooms::loadRenderExtras(rooms_, t.events, rc);
  if (ext_) {
    rc.delivery_status = ext_->ownEventStatus(req.user_id, room_id, t.events);
  }
  json::Writer w;
  w.startObject().key("timeline").startObject().key("events");
  writeEvents(w, t.events, rc);
  w.key("limited").boolean(t.limited);
  w.key("prev_batch").string(streams::renderPaginationToken(t.start - 1)).endObject();
  w.key("state").startObject().key("events");
  writeEvents(w, state, rc);
  w.endObject();
  const auto members = rooms_.members(room_id);
  std::set<std::string> joined;
  for (const auto& m : members) {
    if (m.membership == "join") {
      joined.insert(m.user_id);
    }
  }
  writeEphemeral(w, req, room_id, in.receipts, in.typing_changed || in.state_full, joined);
  writeAccountData(w, account_data, room_id);
  writeSummary(w, req, members);
  writeUnread(w, req, in.room);
  w.endObject();
  out.join.emplace_back(room_id, w.take());
}

void SyncService::writeUnread(json::Writer& w, const SyncRequest& req, const rooms::UserRoom& room) {
  auto counts = [&w](const char* key, const UnreadCounts& c) {
    w.key(key).startObject().key("notification_count").integer(c.notification_count);
    w.key("highlight_count").integer(c.highlight_count).endObject();
  };
  if (!ext_) {
    const auto unread = receipts_.unreadCounts(req.user_id, {{room.room_id, room.stream_pos}});
    counts("unread_notifications", UnreadCounts{unread.front().second, 0});
    return;
  }
  UnreadCounts main;
  std::map<std::string, UnreadCounts> threads;
  for (const auto& [thread, c] : ext_->unread(req.user_id, room.room_id)) {
    if (thread == "main" || !req.filter.unread_thread_notifications) {
      main.notification_count += c.notification_count;
      main.highlight_count += c.highlight_count;
    } else {
      threads[thread] = c;
    }
  }
  counts("unread_notifications", main);
  if (req.filter.unread_thread_notifications) {
    w.key("unread_thread_notifications").startObject();
    for (const auto& [thread, c] : threads) {
      counts(thread.c_str(), c);
    }
    w.endObject();
  }
}

void SyncService::invitedRoom(const rooms::UserRoom& r, RoomsOut& out) {
  json::Writer w;
  w.startObject().key("invite_state").startObject().key("events").startArray();
  const auto state = rooms_.currentState(r.room_id);
  std::string inviter;
  for (const auto& e : state) {
    if (e.type == rooms::kMember && e.stream_pos == r.stream_pos) {
      inviter = e.sender;
    }
  }
  if (out.hidden.count(inviter)) {
    return;  // an invite from someone the user blocked
  }
  // The room's identity, the invite itself and the inviter's own member event (clients show
  // "X invited you" from it).
  for (const auto& e : state) {
    if (strippedType(e.type) || (e.type == rooms::kMember && (e.stream_pos == r.stream_pos ||
                                                               e.state_key == inviter))) {
      writeStripped(w, e);
    }
  }
  w.endArray().endObject().endObject();
  out.invite.emplace_back(r.room_id, w.take());
}

void SyncService::leftRoom(const SyncRequest& req, const rooms::UserRoom& r, int64_t from, RoomsOut& out) {
  const size_t limit = std::clamp<size_t>(req.filter.timeline_limit, 1, kMaxTimeline);
  // What the user could see while in the room, up to their leaving.
  rooms::VisibleRange range{0, r.stream_pos};
  try {
    range = reader_.visibleRange(req.user_id, r.room_id);
  } catch (const core::MatrixError&) {
    range = {r.stream_pos, r.stream_pos};
  }
  auto timeline = rooms_.roomEvents(r.room_id, std::max(from, range.from_excl),
                                    std::min(r.stream_pos, range.to_incl), limit + 1, true);
  const bool limited = timeline.size() > limit;
  if (limited) {
    timeline.pop_back();
  }
  std::reverse(timeline.begin(), timeline.end());
  rooms::RenderContext rc{req.user_id, req.device_id, clock_.nowMs(), {}, {}, {}};
  json::Writer w;
  w.startObject().key("timeline").startObject().key("events");
  writeEvents(w, timeline, rc);
  const int64_t start = timeline.empty() ? r.stream_pos : timeline.front().stream_pos;
  w.key("limited").boolean(limited).key("prev_batch").string(streams::renderPaginationToken(start - 1));
  w.endObject().key("state").startObject().key("events").startArray().endArray().endObject();
  w.key("account_data").startObject().key("events").startArray().endArray().endObject().endObject();
  out.leave.emplace_back(r.room_id, w.take());
}

}  // namespace hs::sync
