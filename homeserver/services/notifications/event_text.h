#pragma once
// What a room event means for one recipient's notification feed: its type, title and body.
// Pure functions over the event's client JSON.
#include <optional>
#include <string>

#include "homeserver/core/json.h"

namespace hs::notifications {

struct EventFacts {
  const json::Value* event = nullptr;  // client JSON
  std::string recipient;
  std::string sender_name;  // display name, or the user id
  std::string room_name;    // m.room.name, else the canonical alias, else ""
  bool direct = false;      // in the recipient's m.direct
  bool notify = false;      // the push rules' verdict for the recipient
};

struct FeedEntry {
  std::string type;
  std::string title;
  std::string body;
  std::string related_id;
};

// nullopt when the event has no place in the recipient's feed.
std::optional<FeedEntry> feedEntryFor(const EventFacts& facts);
// The thread an event belongs to: its m.thread root, else "main".
std::string threadOf(const json::Value& event);

}  // namespace hs::notifications
