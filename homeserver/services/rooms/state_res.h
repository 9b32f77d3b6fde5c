#pragma once
// State resolution (ALGORITHMS §16): v1 for room v1, v2 for v2-v11, v2.1 for v12. Merges the
// states at the tips of a forked room into one. Events come through a fetch callback so the caller decides
// where they live (memory now, the database later).
#include <functional>
#include <set>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/event.h"

namespace hs::rooms {

// The event with that ID, or nullptr when the caller does not have it.
using EventFetch = std::function<const Event*(const std::string& event_id)>;

// Resolution needs every event of the state sets and of their auth chains. When one is
// missing the caller must fetch it (e.g. /event_auth) and resolve again: guessing would make
// servers disagree.
class MissingEventError : public std::runtime_error {
 public:
  explicit MissingEventError(std::string event_id)
      : std::runtime_error("state resolution needs event " + event_id),
        event_id_(std::move(event_id)) {}
  const std::string& eventId() const noexcept { return event_id_; }

 private:
  std::string event_id_;
};

// fetch(event_id), or MissingEventError when the caller does not have it.
const Event& fetchOrThrow(const EventFetch& fetch, const std::string& event_id);

// The resolved state of `state_sets`. One set (or none) is returned as is. Throws
// MissingEventError; an unsupported room version throws MatrixError.
StateMap resolveState(const std::vector<StateMap>& state_sets, std::string_view room_version,
                      const EventFetch& fetch, const AuthHooks& hooks = {});

// Room v1's algorithm (state_res_v1.cpp): passes over power levels, join rules and members in
// depth order, then the highest allowed event of every other conflict.
StateMap resolveStateV1(const std::vector<StateMap>& state_sets, const RoomVersionRules& rules,
                        const EventFetch& fetch, const AuthHooks& hooks = {});

// Building blocks, exposed for the tests and for diagnostics.

// m.room.power_levels, m.room.join_rules, and kicks and bans (a leave or ban by someone else).
bool isPowerEvent(const Event& e);

// Every event reachable through auth_events from `event_ids`, not counting them.
std::set<std::string> authChainOf(const std::vector<std::string>& event_ids,
                                  const EventFetch& fetch);

// Parents first along auth_events (restricted to `events`); among the ready events the one
// whose sender has the highest power (from its own auth_events), then the lowest
// origin_server_ts, then the lowest event ID.
std::vector<std::string> sortByReverseTopologicalPower(const std::set<std::string>& events,
                                                       const RoomVersionRules& rules,
                                                       const EventFetch& fetch);

// Ordered by mainline position against `power_levels_id` (empty = no power levels, every
// position is infinite): the furthest from the newest power levels first, then the lowest
// origin_server_ts, then the lowest event ID.
std::vector<std::string> sortByMainline(const std::vector<std::string>& events,
                                        const std::string& power_levels_id,
                                        const EventFetch& fetch);

// Applies each event in order on top of `state` when the auth rules allow it there.
StateMap iterativeAuthChecks(StateMap state, const std::vector<std::string>& events,
                             const RoomVersionRules& rules, const EventFetch& fetch,
                             const AuthHooks& hooks);

}  // namespace hs::rooms
