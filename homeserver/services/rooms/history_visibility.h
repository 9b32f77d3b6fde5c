#pragma once
// Per-event history visibility (the spec's "History visibility", with Synapse's answers to
// what the spec leaves open): whether a user may see an event depends on the room's
// m.room.history_visibility and on the user's membership *at that event*, not on today's.
// A room that went from "shared" to "invited" keeps its shared messages readable by members
// who join later; one that went from "joined" to "shared" does not open what was sent under
// "joined".
#include <optional>
#include <string>
#include <vector>

#include "homeserver/services/rooms/room_store.h"

namespace hs::rooms {

struct VisibilityInputs {
  // The room's m.room.history_visibility events and the user's own m.room.member events,
  // oldest first (RoomStore::visibilityHistory).
  std::vector<StoredEvent> history;
  std::optional<Member> membership;  // the user's current one
  int64_t now = 0;
};

// The positions of (0, now] the user may see. Throws M_FORBIDDEN when they may see nothing of
// the room: neither a member nor a former member, and the room is not world-readable now.
// For each event:
//   world_readable                -> visible
//   the user's membership is join -> visible
//   invited                       -> visible while the user's membership is invite
//   shared                        -> visible (to members and former members)
//   joined                        -> not visible otherwise
// The visibility event itself counts with the more open of its old and new value; the
// user's own membership event with the more joined of its old and new membership, and their
// own leave after a join or an invite is always visible. A former member sees up to their
// leaving.
VisibleRange visibleRangeOf(const VisibilityInputs& in);
// The same, nullopt instead of M_FORBIDDEN (/sync and /event answer otherwise).
std::optional<VisibleRange> visibleRangeIfAny(const VisibilityInputs& in);

}  // namespace hs::rooms
