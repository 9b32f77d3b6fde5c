#pragma once
// The push gateway's request body (push gateway API, POST /_matrix/push/v1/notify) and its
// answer. Pure functions.
#include <optional>
#include <string>
#include <vector>

#include "homeserver/services/pushers/pusher_store.h"

namespace hs::pushers {

struct PushContent {
  std::string event_id;
  std::string room_id;
  std::string type;
  std::string sender;
  std::optional<std::string> sender_display_name;
  std::optional<std::string> room_name;
  std::optional<std::string> content;  // the event content, JSON object text
  bool user_is_target = false;
  int64_t unread = 0;
  std::string actions = "[]";  // the matching rule's actions: tweaks and priority
};

// {"notification":{...,"devices":[{app_id, pushkey, pushkey_ts, data minus url, tweaks}]}};
// data.format "event_id_only" leaves out everything about the event but its ids.
std::string gatewayBody(const PushContent& c, const Pusher& p);
// The pushkeys the gateway rejected (its 200 answer's "rejected").
std::vector<std::string> rejectedPushkeys(const std::string& answer);
// data.url of an http pusher ("" when absent).
std::string gatewayUrl(const Pusher& p);

}  // namespace hs::pushers
