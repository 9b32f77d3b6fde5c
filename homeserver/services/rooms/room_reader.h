#pragma once
// The read side of rooms, with authorization on every read: a user sees a room's events
// only as the room's m.room.history_visibility and the user's membership at each event
// allow (history_visibility.h).
#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "homeserver/services/rooms/client_render.h"
#include "homeserver/services/rooms/room_store.h"
#include "homeserver/services/streams/stream_tracker.h"
#include "homeserver/services/streams/tokens.h"

namespace hs::rooms {

struct MessagesPage {
  std::vector<StoredEvent> chunk;
  streams::TimelineToken start;
  std::optional<streams::TimelineToken> end;  // absent when there is nothing further
  std::vector<StoredEvent> state;  // member events of the chunk's senders (lazy loading)
};

struct RelationsPage {
  std::vector<StoredEvent> chunk;
  std::optional<int64_t> next;  // absent on the last page
};

struct ContextResult {
  StoredEvent event;
  std::vector<StoredEvent> before;  // newest first
  std::vector<StoredEvent> after;   // oldest first
  std::vector<StoredEvent> state;
  streams::TimelineToken start;
  streams::TimelineToken end;
};

// The history_visibility an m.room.history_visibility event sets ("shared" without one).
std::string historyVisibilityOf(const std::optional<StoredEvent>& event);

// The senders whose non-state events a viewer must not see (their block list).
using HiddenSenders = std::function<std::set<std::string>(const std::string& viewer)>;

class RoomReader {
 public:
  RoomReader(RoomStore& store, streams::StreamTracker& stream) : store_(store), stream_(stream) {}
  // Applied to /messages and /context.
  void setHiddenSenders(HiddenSenders hidden) { hidden_ = std::move(hidden); }

  // What the user may read of the room (per-event history visibility, history_visibility.h).
  // Throws M_FORBIDDEN when that is nothing, M_NOT_FOUND when the room does not exist.
  VisibleRange visibleRange(const std::string& user_id, const std::string& room_id);
  // The same, nullopt instead of M_FORBIDDEN.
  std::optional<VisibleRange> visibleRangeIfAny(const std::string& user_id, const std::string& room_id);
  // The state the user may see; with `at` (a stream position), the state at that point of the
  // room's history, if the user could see it then (/members?at=).
  std::vector<StoredEvent> state(const std::string& user_id, const std::string& room_id,
                                 std::optional<int64_t> at = std::nullopt);
  StoredEvent stateEvent(const std::string& user_id, const std::string& room_id,
                         const std::string& type, const std::string& state_key);
  // M_FORBIDDEN when the user may read nothing of the room, M_NOT_FOUND for an event they
  // may not see.
  StoredEvent event(const std::string& user_id, const std::string& room_id, const std::string& event_id);
  // GET /event: M_NOT_FOUND in both cases.
  StoredEvent eventOrNotFound(const std::string& user_id, const std::string& room_id,
                              const std::string& event_id);
  // In topological order: backwards from `from` (inclusive), or forwards (exclusive).
  using EventPredicate = std::function<bool(const StoredEvent&)>;
  // `keep` (a /messages filter) may drop events; the page is refilled from further history.
  MessagesPage messages(const std::string& user_id, const std::string& room_id,
                        std::optional<streams::TimelineToken> from,
                        std::optional<streams::TimelineToken> to, bool backwards, size_t limit,
                        bool lazy_members, const EventPredicate& keep = {});
  ContextResult context(const std::string& user_id, const std::string& room_id,
                        const std::string& event_id, size_t limit);
  // A page of the parent's relations (q.event_id, q.rel_type, q.event_type, q.limit,
  // q.backwards), from `from` towards `to` (tokens as in messages()), within what the user may
  // see; q.from_excl / q.to_incl are computed here.
  RelationsPage relations(const std::string& user_id, const std::string& room_id, RelationsQuery q,
                          std::optional<int64_t> from, std::optional<int64_t> to);
  // The render extras (bundled relations, redactions) of events of one room, with only the
  // relations the user may see: the rule of relations(), for /event, /messages and /context.
  void loadRenderExtras(const std::string& user_id, const std::string& room_id,
                        const std::vector<StoredEvent>& events, RenderContext& ctx);
  std::vector<Member> members(const std::string& user_id, const std::string& room_id);
  // The room's m.room.guest_access ("forbidden" without one), for deciding whether a guest
  // may join: no visibility check, the caller is not a member yet.
  std::string guestAccess(const std::string& room_id);
  std::vector<std::string> joinedRooms(const std::string& user_id);
  // Member events of `senders` in the room's current state.
  std::vector<StoredEvent> memberEventsOf(const std::string& room_id, const std::vector<std::string>& senders);
  // The senders `viewer` blocks (setHiddenSenders), and their non-state events dropped.
  std::set<std::string> hiddenSenders(const std::string& viewer) const;
  void dropHidden(const std::string& viewer, std::vector<StoredEvent>& events);

 private:
  StoredEvent visibleEvent(const VisibleRange& range, const std::string& room_id, const std::string& event_id);
  RoomStore& store_;
  streams::StreamTracker& stream_;
  HiddenSenders hidden_;
};

}  // namespace hs::rooms
