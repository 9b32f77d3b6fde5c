#pragma once
// The authorization rules of room versions 1 to 12 (ALGORITHMS §14-15, the spec's
// content/rooms/v*.md) and the selection of a new event's auth_events (§11). Pure decisions: the caller supplies the state to check
// against and, through AuthHooks, the two cryptographic checks the rules need.
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "homeserver/core/json.h"
#include "homeserver/services/rooms/event.h"

namespace hs::rooms {

struct AuthResult {
  bool allowed = false;
  // Which rule decided, in words fit for a log line or an M_FORBIDDEN message.
  std::string reason;

  static AuthResult allow(std::string why) { return {true, std::move(why)}; }
  static AuthResult deny(std::string why) { return {false, std::move(why)}; }
};

// The auth state: the event for (type, state_key), or nullptr when there is none.
using StateLookup =
    std::function<const Event*(const std::string& type, const std::string& state_key)>;

struct AuthHooks {
  // Rule 4.2: whether `e` is validly signed by `server_name`. Unset: a signature by that
  // server must be present, which suffices once signatures were verified on receipt.
  std::function<bool(const Event& e, std::string_view server_name)> signed_by;
  // Rule 4.4.1.7: whether any signature in `signed` (a third-party invite's
  // content.third_party_invite.signed) verifies with one of the base64 ed25519 `public_keys`.
  // Unset: every third-party invite is refused, with a reason that says so.
  std::function<bool(const json::Value& signed_block, const std::vector<std::string>& public_keys)>
      verify_third_party_signed;
};

// Rules 1 and 3-10 against `auth_state`: the state before the event, the current state, or
// the state its own auth_events form. Rule 2 looks at the event's own auth_events and is
// checkAuthEvents below. An unsupported room version is refused.
AuthResult authCheck(const Event& e, const StateLookup& auth_state, std::string_view room_version,
                     const AuthHooks& hooks = {});

// Rule 2 (the sanity of the event's own auth_events): `auth_events` are the events named by
// e.auth_events, fetched by the caller, in the same order; nullptr = not available, which
// refuses the event (fetch missing auth events first).
AuthResult checkAuthEvents(const Event& e, const std::vector<const Event*>& auth_events,
                           std::string_view room_version);

// §13 step 4: rule 1 for a create event; otherwise rule 2, then rules 3-10 against the state
// formed by the event's own auth_events. `room_create`: in room v12, the create event the
// room ID names (auth_events never cite it).
AuthResult authCheckAgainstAuthEvents(const Event& e, const std::vector<const Event*>& auth_events,
                                      std::string_view room_version, const AuthHooks& hooks = {},
                                      const Event* room_create = nullptr);

// The (type, state_key) pairs an event's auth_events may name (§11), in a stable order:
// create, power levels, sender's membership, then for m.room.member the target's membership,
// join rules, the third-party invite and the authorising user's membership when they apply.
// Empty for m.room.create; without the create event in room v12. Without `rules`: rooms v10/v11.
std::vector<StateKey> authKeysFor(std::string_view type,
                                  const std::optional<std::string>& state_key,
                                  std::string_view sender, const json::Value& content,
                                  const RoomVersionRules& rules);
std::vector<StateKey> authKeysFor(std::string_view type,
                                  const std::optional<std::string>& state_key,
                                  std::string_view sender, const json::Value& content);

// The auth_events for a new event: the current state's entries for authKeysFor.
std::vector<std::string> authEventsFor(std::string_view type,
                                       const std::optional<std::string>& state_key,
                                       std::string_view sender, const json::Value& content,
                                       const StateMap& current_state, const RoomVersionRules& rules);
std::vector<std::string> authEventsFor(std::string_view type,
                                       const std::optional<std::string>& state_key,
                                       std::string_view sender, const json::Value& content,
                                       const StateMap& current_state);

// A StateLookup over a map of events (which must outlive the lookup).
using EventStateMap = std::map<StateKey, const Event*>;
StateLookup lookupIn(const EventStateMap& state);
// A StateLookup over a list of events (which must outlive the lookup).
StateLookup lookupInList(const std::vector<Event>& events);

}  // namespace hs::rooms
