#pragma once
// A parsed PDU of room versions 10 and 11, and the state-map types the event graph is built
// from. Parsing checks the shape only (ALGORITHMS §11); hashes, signatures and the event ID
// (a reference hash) are computed and verified elsewhere and handed in.
#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "homeserver/core/json.h"
#include "homeserver/services/rooms/room_version.h"

namespace hs::rooms {

// The state event types that take part in authorization, and the redaction type.
inline constexpr std::string_view kCreate = "m.room.create";
inline constexpr std::string_view kMember = "m.room.member";
inline constexpr std::string_view kJoinRules = "m.room.join_rules";
inline constexpr std::string_view kPowerLevels = "m.room.power_levels";
inline constexpr std::string_view kThirdPartyInvite = "m.room.third_party_invite";
inline constexpr std::string_view kRedaction = "m.room.redaction";

struct Event {
  std::string event_id;
  std::string room_id;
  std::string sender;
  std::string type;
  std::optional<std::string> state_key;
  int64_t origin_server_ts = 0;
  int64_t depth = 0;
  std::vector<std::string> prev_events;
  std::vector<std::string> auth_events;
  std::optional<std::string> redacts;  // v10 top-level, v11 content.redacts
  // The whole PDU as received. Shared so copies of an Event stay cheap and immutable.
  std::shared_ptr<const json::Document> json;
  // Store metadata, not part of the PDU: set when the event failed the checks on receipt
  // (§13 steps 4-5). Auth rule 2.3 and the iterative auth checks skip rejected auth events.
  bool rejected = false;

  bool isState() const { return state_key.has_value(); }
  const json::Value& content() const;
  // content.membership when it is a string, otherwise empty.
  std::string_view membership() const;
  // Whether `signatures` holds at least one signature by `server_name`. Presence only: the
  // cryptographic check happens on receipt (§13 step 2), before any auth rule runs.
  bool hasSignatureFrom(std::string_view server_name) const;
};

struct ParseOptions {
  // A locally built event that is not hashed or signed yet: `hashes` and `signatures` may be
  // missing (their shape is still checked when present).
  bool draft = false;
  // prev_events <= 20 and auth_events <= 10. Off for /backfill, which the limits never bound.
  bool check_list_limits = true;
};

// Parses and shape-checks a PDU. `event_id` is the reference hash computed by the caller;
// when empty, the PDU's own "event_id" member is used (stored copies keep one).
// Throws MatrixError: NotJson for invalid JSON, BadJson for a malformed PDU,
// UnsupportedRoomVersion for a version other than 10 or 11.
Event parseEvent(std::string_view pdu_json, std::string event_id, std::string_view room_version,
                 const ParseOptions& options = {});
Event parseEvent(json::Document pdu, std::string event_id, std::string_view room_version,
                 const ParseOptions& options = {});

// (type, state_key) -> event ID.
using StateKey = std::pair<std::string, std::string>;
using StateMap = std::map<StateKey, std::string>;

// The state after `e`, given the state before it.
StateMap stateAfter(StateMap before, const Event& e);

// Content is written by users, so auth code reads it without throwing: a member of the
// wrong type is treated as absent.
std::optional<std::string_view> stringMember(const json::Value& obj, std::string_view key);
// The server part of a user, room or (v1-style) event ID: the text after the first ':'.
std::string_view domainOf(std::string_view id);
// "@local:server" with a valid server name, at most 255 bytes.
bool isValidUserId(std::string_view id);
// Room v12: the ID of the create event a room ID names ("!" -> "$").
std::string createEventIdForRoom(std::string_view room_id);
// The room creator: content.creator before v11, the create event's sender from v11.
std::string_view roomCreator(const Event& create, const RoomVersionRules& rules);

}  // namespace hs::rooms
