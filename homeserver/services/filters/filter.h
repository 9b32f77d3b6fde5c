#pragma once
// Sync filters (spec "Filtering"): the parsed form /sync and /messages apply, and the shape
// check that refuses garbage with M_BAD_JSON (room and user id lists must hold room and user
// ids, as Synapse's schema says). Unknown keys are ignored, not refused: clients send
// unstable extensions (org.matrix.msc*) that a strict schema would break.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "homeserver/core/json.h"

namespace hs::filters {

// EventFilter: which events of a list to keep. An absent list allows everything; a `not_`
// list wins over its positive list. Types may use '*' as a wildcard.
struct EventFilter {
  std::optional<int64_t> limit;
  std::optional<std::vector<std::string>> types;
  std::vector<std::string> not_types;
  std::optional<std::vector<std::string>> senders;
  std::vector<std::string> not_senders;

  bool allowsType(std::string_view type) const;
  bool allowsSender(std::string_view sender) const;
  bool allows(std::string_view type, std::string_view sender) const {
    return allowsType(type) && allowsSender(sender);
  }
  // `limit`, or `fallback` when the filter sets none.
  int64_t limitOr(int64_t fallback) const { return limit.value_or(fallback); }
};

// For contains_url: whether an event (client JSON) has a string `url` in its content.
bool eventHasUrl(std::string_view event_json);

// RoomEventFilter: an EventFilter for the events of rooms.
struct RoomEventFilter : EventFilter {
  std::optional<std::vector<std::string>> rooms;
  std::vector<std::string> not_rooms;
  std::optional<bool> contains_url;
  bool lazy_load_members = false;
  bool include_redundant_members = false;
  bool unread_thread_notifications = false;

  bool allowsRoom(std::string_view room_id) const;
  // has_url: the event's content has a string `url` (for contains_url).
  bool allowsEvent(std::string_view room_id, std::string_view type, std::string_view sender,
                   bool has_url = false) const;
  // allowsEvent for an event's client JSON: its content is looked into (eventHasUrl) only
  // when the filter sets contains_url.
  bool allowsEventJson(std::string_view room_id, std::string_view type, std::string_view sender,
                       std::string_view event_json) const {
    return allowsEvent(room_id, type, sender, contains_url && eventHasUrl(event_json));
  }
};

struct RoomFilter {
  std::optional<std::vector<std::string>> rooms;
  std::vector<std::string> not_rooms;
  bool include_leave = false;
  RoomEventFilter timeline;
  RoomEventFilter state;
  RoomEventFilter ephemeral;
  RoomEventFilter account_data;

  // Applies room.rooms / room.not_rooms, which cover every room section.
  bool allowsRoom(std::string_view room_id) const;
};

struct Filter {
  std::optional<std::vector<std::string>> event_fields;
  std::string event_format = "client";  // or "federation"
  EventFilter presence;
  EventFilter account_data;
  RoomFilter room;
};

// The timeline limit /sync uses when a filter sets none (Synapse's default too).
inline constexpr int64_t kDefaultTimelineLimit = 10;

// Checks the shape and builds the Filter: M_BAD_JSON for a non-object or wrongly typed field.
Filter parseFilter(const json::Value& filter);
// The same from text: M_NOT_JSON when it is not JSON at all.
Filter parseFilterText(std::string_view text);
// A RoomEventFilter on its own (the `filter` param of /messages and /context).
RoomEventFilter parseRoomEventFilterText(std::string_view text);
// '*' matches any run of characters; everything else matches itself.
bool globMatches(std::string_view pattern, std::string_view value);


}  // namespace hs::filters
