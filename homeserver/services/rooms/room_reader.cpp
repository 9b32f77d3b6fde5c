#include "homeserver/services/rooms/room_reader.h"

#include <algorithm>
#include <limits>
#include <set>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/event.h"
#include "homeserver/services/rooms/history_visibility.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxPage = 1000;
constexpr int kMaxFilterRounds = 5;
}  // namespace

std::string historyVisibilityOf(const std::optional<StoredEvent>& event) {
  if (!event) {
    return "shared";
  }
  const auto doc = json::tryParse(event->client_json);
  if (!doc || !doc->IsObject()) {
    return "shared";
  }
  const json::Value* content = json::member(*doc, "content");
  const json::Value* v = content ? json::member(*content, "history_visibility") : nullptr;
  return v && v->IsString() ? v->GetString() : "shared";
}

std::optional<VisibleRange> RoomReader::visibleRangeIfAny(const std::string& user_id, const std::string& room_id) {
  const auto m = store_.membership(room_id, user_id);
  if (!m && !store_.room(room_id)) {
    throw MatrixError(ErrCode::NotFound, "Unknown room");
  }
  const int64_t now = stream_.safePosition();  // read first: the history read next is as new
  return rooms::visibleRangeIfAny(VisibilityInputs{store_.visibilityHistory({room_id}, user_id), m, now});
}

VisibleRange RoomReader::visibleRange(const std::string& user_id, const std::string& room_id) {
  auto range = visibleRangeIfAny(user_id, room_id);
  if (!range) {
    throw MatrixError(ErrCode::Forbidden, "You are not in this room");
  }
  return std::move(*range);
}

std::vector<StoredEvent> RoomReader::state(const std::string& user_id, const std::string& room_id,
                                           std::optional<int64_t> at) {
  const VisibleRange range = visibleRange(user_id, room_id);
  // A former member sees the state as it was when they left (the spec), not today's state
  // minus what changed since: a room renamed after they left still has its old name.
  int64_t upto = std::min(range.to_incl, at.value_or(range.to_incl));
  if (at) {
    // A token from before the creator's join (an initial sync's prev_batch when the whole
    // history fits its timeline) answers the room as created, with its creator, as Synapse
    // does (Complement's TestGetRoomMembersAtPoint): a room has no member list before that.
    const auto first = store_.roomEvents(room_id, 0, INT64_MAX, 2, false);  // create, creator's join
    if (!first.empty()) {
      upto = std::min(range.to_incl, std::max(upto, first.back().stream_pos));
    }
  }
  if (upto < stream_.safePosition()) {
    return store_.stateAt(room_id, upto);
  }
  return store_.currentState(room_id);
}

StoredEvent RoomReader::stateEvent(const std::string& user_id, const std::string& room_id,
                                   const std::string& type, const std::string& state_key) {
  const VisibleRange range = visibleRange(user_id, room_id);
  std::optional<StoredEvent> e;
  if (range.to_incl < stream_.safePosition()) {
    for (auto& s : store_.stateAt(room_id, range.to_incl)) {  // a former member: as they left
      if (s.type == type && s.state_key == state_key) {
        e = std::move(s);
      }
    }
  } else {
    e = store_.stateEvent(room_id, type, state_key);
  }
  if (!e || e->stream_pos > range.to_incl) {
    throw MatrixError(ErrCode::NotFound, "No such state event");
  }
  return std::move(*e);
}

StoredEvent RoomReader::event(const std::string& user_id, const std::string& room_id,
                              const std::string& event_id) {
  return visibleEvent(visibleRange(user_id, room_id), room_id, event_id);
}

StoredEvent RoomReader::eventOrNotFound(const std::string& user_id, const std::string& room_id,
                                        const std::string& event_id) {
  // The spec's 404 for an event the user may not see, in the room or not (as Synapse turns
  // its 403 into a 404 here): the answer does not tell an outsider that the room exists.
  const auto range = visibleRangeIfAny(user_id, room_id);  // M_NOT_FOUND for an unknown room
  if (!range) {
    throw MatrixError(ErrCode::NotFound, "Event not found");
  }
  return visibleEvent(*range, room_id, event_id);
}

StoredEvent RoomReader::visibleEvent(const VisibleRange& range, const std::string& room_id,
                                     const std::string& event_id) {
  auto e = store_.eventById(event_id);
  if (!e || e->room_id != room_id || !range.contains(e->stream_pos)) {
    throw MatrixError(ErrCode::NotFound, "Event not found");
  }
  return std::move(*e);
}

std::vector<StoredEvent> RoomReader::memberEventsOf(const std::string& room_id,
                                                    const std::vector<std::string>& senders) {
  std::vector<StoredEvent> out;
  std::set<std::string> seen;
  for (const auto& s : senders) {
    if (seen.insert(s).second) {
      if (auto e = store_.stateEvent(room_id, std::string(kMember), s)) {
        out.push_back(std::move(*e));
      }
    }
  }
  return out;
}

namespace {
// The timeline query for a page from `from` towards `to` within what `range` lets the viewer
// see. A stream-only token narrows the stream bounds; a topological one sets a cursor.
TimelineQuery pageQuery(const std::string& room_id, const VisibleRange& range,
                        const std::optional<streams::TimelineToken>& from,
                        const std::optional<streams::TimelineToken>& to, bool backwards) {
  TimelineQuery q;
  q.room_id = room_id;
  q.backwards = backwards;
  q.min_stream_excl = range.from_excl == 0 ? std::numeric_limits<int64_t>::min() : range.from_excl;
  q.max_stream_incl = range.to_incl;
  const auto bound = [&q](const streams::TimelineToken& t, bool upper) {
    if (t.depth) {
      (upper ? q.upto : q.after) = TopoPos{*t.depth, t.stream};
    } else if (upper) {
      q.max_stream_incl = std::min(q.max_stream_incl, t.stream);
    } else {
      q.min_stream_excl = std::max(q.min_stream_excl, t.stream);
    }
  };
  if (from) {
    bound(*from, backwards);
  }
  if (to) {
    bound(*to, !backwards);
  }
  return q;
}

streams::TimelineToken tokenBefore(const StoredEvent& e) { return {e.depth, e.stream_pos - 1}; }
streams::TimelineToken tokenAt(const StoredEvent& e) { return {e.depth, e.stream_pos}; }
}  // namespace

MessagesPage RoomReader::messages(const std::string& user_id, const std::string& room_id,
                                  std::optional<streams::TimelineToken> from,
                                  std::optional<streams::TimelineToken> to, bool backwards,
                                  size_t limit, bool lazy_members, const EventPredicate& keep) {
  const VisibleRange range = visibleRange(user_id, room_id);
  limit = std::clamp<size_t>(limit, 1, kMaxPage);
  MessagesPage page;
  page.start = from.value_or(streams::TimelineToken{std::nullopt, backwards ? range.to_incl : range.from_excl});
  TimelineQuery q = pageQuery(room_id, range, from, to, backwards);
  q.limit = limit;
  bool exhausted = q.min_stream_excl >= q.max_stream_incl;
  std::optional<streams::TimelineToken> cursor;
  // A filter may drop events: read further batches until the page is full or history ends,
  // bounded so a filter that matches nothing cannot scan a whole room in one request.
  for (int round = 0; round < kMaxFilterRounds && page.chunk.size() < limit && !exhausted; ++round) {
    auto batch = store_.timeline(q);
    const bool full = batch.size() == limit;
    size_t consumed = 0;
    for (auto& e : batch) {
      if (page.chunk.size() == limit) {
        break;  // the page is full: the next page starts at this event
      }
      ++consumed;
      cursor = backwards ? tokenBefore(e) : tokenAt(e);
      (backwards ? q.upto : q.after) = TopoPos{*cursor->depth, cursor->stream};
      if (range.contains(e.stream_pos) && (!keep || keep(e))) {
        page.chunk.push_back(std::move(e));
      }
    }
    exhausted = !full && consumed == batch.size();
  }
  if (!exhausted) {
    page.end = cursor ? *cursor : page.start;
  }
  dropHidden(user_id, page.chunk);  // after `end`: the next page starts past what was dropped
  if (lazy_members) {
    std::vector<std::string> senders;
    for (const auto& e : page.chunk) {
      senders.push_back(e.sender);
    }
    page.state = memberEventsOf(room_id, senders);
  }
  return page;
}

ContextResult RoomReader::context(const std::string& user_id, const std::string& room_id,
                                  const std::string& event_id, size_t limit) {
  const VisibleRange range = visibleRange(user_id, room_id);
  ContextResult r{visibleEvent(range, room_id, event_id), {}, {}, {}, {}, {}};
  limit = std::min(limit, kMaxPage);
  TimelineQuery before = pageQuery(room_id, range, tokenBefore(r.event), std::nullopt, true);
  before.limit = limit / 2;
  TimelineQuery after = pageQuery(room_id, range, tokenAt(r.event), std::nullopt, false);
  after.limit = limit - before.limit;
  r.before = before.limit ? store_.timeline(before) : std::vector<StoredEvent>{};
  r.after = after.limit ? store_.timeline(after) : std::vector<StoredEvent>{};
  r.start = r.before.empty() ? tokenBefore(r.event) : tokenBefore(r.before.back());
  r.end = r.after.empty() ? tokenAt(r.event) : tokenAt(r.after.back());
  const auto invisible = [&range](const StoredEvent& e) { return !range.contains(e.stream_pos); };
  std::erase_if(r.before, invisible);
  std::erase_if(r.after, invisible);
  r.state = state(user_id, room_id);
  dropHidden(user_id, r.before);
  dropHidden(user_id, r.after);
  return r;
}

RelationsPage RoomReader::relations(const std::string& user_id, const std::string& room_id,
                                    RelationsQuery q, std::optional<int64_t> from,
                                    std::optional<int64_t> to) {
  const VisibleRange range = visibleRange(user_id, room_id);
  q.event_id = visibleEvent(range, room_id, q.event_id).event_id;  // the parent must be visible
  q.limit = std::clamp<size_t>(q.limit, 1, kMaxPage);
  // The same token semantics as messages(): backwards from X covers positions <= X, forwards
  // from X positions > X.
  if (q.backwards) {
    q.to_incl = std::min(from.value_or(range.to_incl), range.to_incl);
    q.from_excl = std::max(to.value_or(range.from_excl), range.from_excl);
  } else {
    q.from_excl = std::max(from.value_or(range.from_excl), range.from_excl);
    q.to_incl = std::min(to.value_or(range.to_incl), range.to_incl);
  }
  RelationsPage page{store_.relations(q), std::nullopt};
  if (page.chunk.size() == q.limit) {
    page.next = q.backwards ? page.chunk.back().stream_pos - 1 : page.chunk.back().stream_pos;
  }
  std::erase_if(page.chunk, [&range](const StoredEvent& e) { return !range.contains(e.stream_pos); });
  return page;
}

void RoomReader::loadRenderExtras(const std::string& user_id, const std::string& room_id,
                                  const std::vector<StoredEvent>& events, RenderContext& ctx) {
  rooms::loadRenderExtras(store_, events, ctx, visibleRange(user_id, room_id));
}

std::set<std::string> RoomReader::hiddenSenders(const std::string& viewer) const {
  return hidden_ ? hidden_(viewer) : std::set<std::string>{};
}

void RoomReader::dropHidden(const std::string& viewer, std::vector<StoredEvent>& events) {
  if (!hidden_ || events.empty()) {
    return;
  }
  const std::set<std::string> hidden = hidden_(viewer);
  std::erase_if(events, [&](const StoredEvent& e) { return !e.state_key && hidden.count(e.sender); });
}

std::string RoomReader::guestAccess(const std::string& room_id) {
  const auto e = store_.stateEvent(room_id, "m.room.guest_access", "");
  const auto doc = e ? json::tryParse(e->client_json) : std::nullopt;
  const json::Value* content = doc && doc->IsObject() ? json::member(*doc, "content") : nullptr;
  const json::Value* v = content && content->IsObject() ? json::member(*content, "guest_access") : nullptr;
  return v && v->IsString() ? v->GetString() : "forbidden";
}

std::vector<Member> RoomReader::members(const std::string& user_id, const std::string& room_id) {
  visibleRange(user_id, room_id);
  return store_.members(room_id);
}

std::vector<std::string> RoomReader::joinedRooms(const std::string& user_id) {
  std::vector<std::string> out;
  for (const auto& r : store_.roomsOfUser(user_id)) {
    if (r.membership == "join") {
      out.push_back(r.room_id);
    }
  }
  return out;
}

}  // namespace hs::rooms
