// SyncService: reads what the joined rooms of one response need, for all of them at once.
// Per room this is the same as reading room by room (timeline within the visible history,
// state at the timeline's start, lazy-loaded members, summary, unread counts), but each kind
// of read is one query over every room.
#include <algorithm>
#include <map>
#include <set>

#include "homeserver/services/rooms/event.h"
#include "homeserver/services/rooms/history_visibility.h"
#include "homeserver/services/sync/sync_service.h"

namespace hs::sync {

namespace {
constexpr size_t kMaxHeroes = 5;
// A timeline filter that drops events makes the read go further back, in batches of this
// size, at most this many times (as /messages): a filter matching nothing scans no whole room.
constexpr size_t kFilterBatch = 100;
constexpr int kMaxFilterRounds = 5;

bool timelineFiltered(const filters::RoomEventFilter& f) {
  return f.types || !f.not_types.empty() || f.senders || !f.not_senders.empty() || f.rooms ||
         !f.not_rooms.empty() || f.contains_url;
}

std::map<std::string, std::vector<rooms::StoredEvent>> byRoom(std::vector<rooms::StoredEvent> events) {
  std::map<std::string, std::vector<rooms::StoredEvent>> out;
  for (auto& e : events) {
    out[e.room_id].push_back(std::move(e));
  }
  return out;
}

// Everyone the lazy-loaded member events of a room may be about: the timeline's senders and
// the syncing user.
std::set<std::string> sendersOf(const SyncRequest& req, const std::vector<rooms::StoredEvent>& events) {
  std::set<std::string> senders = {req.user_id};
  for (const auto& e : events) {
    senders.insert(e.sender);
  }
  return senders;
}
}  // namespace

// The timelines: the newest `limit` events each room's history visibility lets the user see
// (per event: history_visibility.h), from one read of every room's visibility history.
void SyncService::loadTimelines(const SyncRequest& req, const std::vector<JoinedInput>& rooms,
                                RoomBatch& b) {
  const size_t limit = timelineLimit(req);
  std::vector<std::string> ids;
  for (const auto& in : rooms) {
    ids.push_back(in.room.room_id);
  }
  auto histories = byRoom(rooms_.visibilityHistory(ids, req.user_id));
  std::vector<rooms::VisibleRange> ranges;
  std::vector<std::pair<std::string, int64_t>> rooms_from;
  for (const auto& in : rooms) {
    const rooms::Member m{req.user_id, in.room.membership, {}, {}, in.room.stream_pos,
                          in.room.join_since, in.room.invite_since};
    // A joined user always sees something; nothing at all is the safe answer otherwise.
    ranges.push_back(rooms::visibleRangeIfAny({std::move(histories[in.room.room_id]), m, in.to})
                         .value_or(rooms::VisibleRange{in.to, in.to, {}}));
    const int64_t floor = ranges.back().from_excl;
    rooms_from.emplace_back(in.room.room_id, in.timeline_fresh ? floor : std::max(in.from, floor));
  }
  const int64_t to = rooms.front().to;
  auto events = byRoom(rooms_.latestEventsOfRooms(rooms_from, to, limit + 1));
  const bool filtered = timelineFiltered(req.filter.room.timeline);
  for (size_t i = 0; i < rooms.size(); ++i) {
    const JoinedInput& in = rooms[i];
    Timeline& t = b.timelines[in.room.room_id];
    t.events = std::move(events[in.room.room_id]);  // newest first
    const bool unread_history = (filtered || !ranges[i].hidden.empty()) &&
                                filterTimeline(req, ranges[i], rooms_from[i].second, limit, t);
    t.limited = t.events.size() > limit || unread_history;
    if (t.events.size() > limit) {
      t.events.pop_back();
    }
    std::reverse(t.events.begin(), t.events.end());
    // A filtered-out event may sit at `to`: the state must then reach it.
    t.start = t.events.empty() ? in.to + (t.filtered ? 1 : 0) : t.events.front().stream_pos;
  }
}

bool SyncService::filterTimeline(const SyncRequest& req, const rooms::VisibleRange& range,
                                 int64_t floor_excl, size_t limit, Timeline& t) {
  std::vector<rooms::StoredEvent>& events = t.events;
  const filters::RoomEventFilter& f = req.filter.room.timeline;
  const auto allowed = [&f, &range](const rooms::StoredEvent& e) {
    return range.contains(e.stream_pos) && f.allowsEventJson(e.room_id, e.type, e.sender, e.client_json);
  };
  bool more = events.size() > limit;  // the newest read was full: older history remains
  int64_t oldest = events.empty() ? 0 : events.back().stream_pos;
  const std::string room_id = events.empty() ? "" : events.front().room_id;
  t.filtered = std::erase_if(events, [&](const rooms::StoredEvent& e) { return !allowed(e); }) > 0;
  for (int round = 0; more && events.size() <= limit && round < kMaxFilterRounds; ++round) {
    auto older = rooms_.roomEvents(room_id, floor_excl, oldest - 1, kFilterBatch, true);
    more = older.size() == kFilterBatch;
    if (!older.empty()) {
      oldest = older.back().stream_pos;
    }
    for (auto& e : older) {
      if (events.size() > limit) {
        break;
      }
      if (allowed(e)) {
        events.push_back(std::move(e));
      } else {
        t.filtered = true;
      }
    }
  }
  return more && events.size() <= limit;
}

// The state sections: the state at the start of the timeline for a fresh room (or
// full_state), the changes since the last sync a limited timeline skipped otherwise (member
// changes in that gap included). With lazy loading, members only for the timeline's senders,
// less those the device already holds (unless include_redundant_members).
void SyncService::loadState(const SyncRequest& req, const std::vector<JoinedInput>& rooms, RoomBatch& b) {
  const bool lazy = lazyMembers(req);
  std::set<std::string> all_senders;
  std::vector<std::pair<std::string, int64_t>> full_at;
  for (const auto& in : rooms) {
    const Timeline& t = b.timelines[in.room.room_id];
    const auto senders = sendersOf(req, t.events);
    all_senders.insert(senders.begin(), senders.end());
    if (in.state_full) {
      full_at.emplace_back(in.room.room_id, t.start - 1);
    } else if (t.limited || t.filtered) {  // rare (a gap since the last sync): one room at a time
      b.state[in.room.room_id] = rooms_.stateChangedBetween(in.room.room_id, in.from, t.start - 1);
    }
  }
  std::optional<std::map<std::string, std::set<std::string>>> member_keys;
  if (lazy) {
    member_keys.emplace();
    for (const auto& in : rooms) {
      (*member_keys)[in.room.room_id] = sendersOf(req, b.timelines[in.room.room_id].events);
    }
  }
  for (auto& [room_id, events] : byRoom(rooms_.stateAtOfRooms(full_at, member_keys))) {
    b.state[room_id] = std::move(events);
  }
  std::vector<std::string> partial;  // rooms whose members of the timeline are read apart
  for (const auto& in : rooms) {
    const Timeline& t = b.timelines[in.room.room_id];
    const auto senders = sendersOf(req, t.events);
    std::erase_if(b.state[in.room.room_id], [&](const rooms::StoredEvent& e) {
      return e.stream_pos >= t.start ||
             (lazy && in.state_full && e.type == rooms::kMember && !senders.count(*e.state_key));
    });
    if (lazy && !in.state_full) {
      partial.push_back(in.room.room_id);
    }
  }
  if (partial.empty()) {
    return;
  }
  std::map<std::pair<std::string, std::string>, rooms::StoredEvent> current;  // (room, user)
  for (auto& e : rooms_.memberEventsOfRooms(partial, {all_senders.begin(), all_senders.end()})) {
    current.emplace(std::pair{e.room_id, *e.state_key}, std::move(e));
  }
  for (const auto& in : rooms) {
    if (!lazy || in.state_full) {
      continue;
    }
    const Timeline& t = b.timelines[in.room.room_id];
    auto& state = b.state[in.room.room_id];
    std::set<std::string> present;
    for (const auto& e : state) {
      if (e.type == rooms::kMember) {
        present.insert(*e.state_key);
      }
    }
    const bool redundant = req.filter.room.state.include_redundant_members;
    for (const auto& sender : sendersOf(req, t.events)) {
      const auto m = present.count(sender) ? current.end() : current.find({in.room.room_id, sender});
      if (m != current.end() && m->second.stream_pos < t.start &&
          (redundant || !lazy_sent_.held(req.user_id, req.device_id, in.room.room_id, sender,
                                         m->second.event_id, req.since->position))) {
        state.push_back(m->second);
      }
    }
  }
}

void SyncService::filterState(const SyncRequest& req, RoomBatch& b) {
  const filters::RoomEventFilter& f = req.filter.room.state;
  for (auto& [room_id, events] : b.state) {
    int64_t kept = 0;
    std::erase_if(events, [&](const rooms::StoredEvent& e) {
      return !f.allowsEventJson(e.room_id, e.type, e.sender, e.client_json) ||
             kept++ >= f.limitOr(INT64_MAX);
    });
  }
}

// The spec's room summary: heroes only for a room without a name or canonical alias (a
// non-empty `name` / `alias`), as Synapse decides it.
void SyncService::loadNamed(const std::vector<std::string>& room_ids, RoomBatch& b) {
  const auto hasText = [](const rooms::StoredEvent& e, const char* key) {
    const auto content = json::rawMember(e.client_json, "content");
    const auto doc = content ? json::tryParse(*content) : std::nullopt;
    const json::Value* v = doc && doc->IsObject() ? json::member(*doc, key) : nullptr;
    return v != nullptr && v->IsString() && v->GetStringLength() > 0;
  };
  for (const auto& e : rooms_.stateEventOfRooms(room_ids, "m.room.name", "")) {
    if (hasText(e, "name")) {
      b.named.insert(e.room_id);
    }
  }
  for (const auto& e : rooms_.stateEventOfRooms(room_ids, "m.room.canonical_alias", "")) {
    if (hasText(e, "alias")) {
      b.named.insert(e.room_id);
    }
  }
}

void SyncService::loadUnread(const SyncRequest& req, const std::vector<JoinedInput>& rooms, RoomBatch& b) {
  if (ext_) {
    std::vector<std::string> ids;
    for (const auto& in : rooms) {
      ids.push_back(in.room.room_id);
    }
    b.unread = ext_->unreadOfRooms(req.user_id, ids);
    return;
  }
  std::vector<std::pair<std::string, int64_t>> since;
  for (const auto& in : rooms) {
    since.emplace_back(in.room.room_id, in.room.stream_pos);
  }
  for (const auto& [room_id, n] : receipts_.unreadCounts(req.user_id, since)) {
    b.unread[room_id]["main"] = UnreadCounts{n, 0};
  }
}

SyncService::RoomBatch SyncService::loadBatch(const SyncRequest& req, const std::vector<JoinedInput>& rooms,
                                              const RoomsOut& out) {
  RoomBatch b;
  b.rc = rooms::viewerContext(req.user_id, req.device_id, clock_.nowMs());
  if (rooms.empty()) {
    return b;
  }
  loadTimelines(req, rooms, b);
  loadState(req, rooms, b);
  filterState(req, b);
  std::vector<std::string> ids;
  for (const auto& in : rooms) {
    ids.push_back(in.room.room_id);
  }
  for (auto& s : rooms_.roomSummaries(ids, req.user_id, kMaxHeroes)) {
    b.summaries[s.room_id] = std::move(s);
  }
  loadNamed(ids, b);
  loadUnread(req, rooms, b);
  // Render extras (edits, reactions, redactions) of every timeline event the user will see.
  std::vector<rooms::StoredEvent> shown;
  for (const auto& [room_id, t] : b.timelines) {
    for (const auto& e : t.events) {
      if (e.state_key || !out.hidden.count(e.sender)) {
        shown.push_back(e);
      }
    }
  }
  if (!shown.empty()) {
    rooms::loadRenderExtras(rooms_, shown, b.rc);
  }
  return b;
}

}  // namespace hs::sync
