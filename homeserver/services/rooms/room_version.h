#pragma once
// What differs between the stable room versions 1 to 12 (the spec's content/rooms/v*.md), as
// flags the event format, auth rules, redaction and state resolution consult. One row per
// version in room_version.cpp.
#include <string_view>
#include <vector>

namespace hs::rooms {

enum class EventFormat {
  kV1,  // v1, v2: `event_id` carried in the event; prev/auth events as [id, {sha256}] pairs
  kV3,  // v3: the event ID is the reference hash, standard unpadded base64
  kV4,  // v4 and later: the reference hash in URL-safe unpadded base64
};

enum class StateResAlgorithm {
  kV1,   // room v1: depth-ordered passes over power levels, join rules and members
  kV2,   // v2-v11
  kV21,  // v12: iterative checks from an empty state, the conflicted state subgraph
};

struct RoomVersionRules {
  std::string_view id;
  EventFormat event_format;
  StateResAlgorithm state_res;
  bool special_case_aliases_auth;         // v1-v5: auth rule 4 for m.room.aliases
  bool redaction_auth_rule;               // v1-v2: auth rule 11 for m.room.redaction
  bool enforce_key_validity;              // v5+: keys must be valid at origin_server_ts
  bool strict_canonical_json;             // v6+: integers within ±(2^53-1), no floats
  bool limit_notifications_power_levels;  // v6+: rule 9 covers `notifications` too
  bool knock_join_rule;                   // v7+: membership and join rule `knock`
  bool restricted_join_rule;              // v8+: join rule `restricted`
  bool knock_restricted_join_rule;        // v10+: join rule `knock_restricted`
  bool integer_power_levels;              // v10+: no string levels, rules 9.1-9.2
  bool creator_is_sender;                 // v11+: m.room.create lost content.creator
  bool redacts_in_content;                // v11+: m.room.redaction carries content.redacts
  bool room_id_is_create_hash;            // v12: room ID = create event ID, not in auth_events
  bool creators_infinitely_powerful;      // v12: creators (+ additional_creators) outrank all
};

// nullptr when the version is not one we implement.
const RoomVersionRules* findRoomVersion(std::string_view version);
// Every version we implement, oldest first ("1" ... "12").
const std::vector<std::string_view>& supportedRoomVersions();

}  // namespace hs::rooms
