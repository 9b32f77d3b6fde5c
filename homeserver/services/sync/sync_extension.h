#pragma once
// What /sync asks of the social layer (blocks, notifications, delivery status). Implemented
// outside sync (homeserver/services/notifications/social_sync.h) and set on SyncService in
// App::connectServices; without one, /sync behaves as plain Matrix with simple counts.
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "homeserver/services/rooms/room_store.h"

namespace hs::sync {

struct UnreadCounts {
  int64_t notification_count = 0;
  int64_t highlight_count = 0;
};

class SyncExtension {
 public:
  virtual ~SyncExtension() = default;
  // Users whose non-state events, and invites, `user_id` must not see (the block list).
  virtual std::set<std::string> hiddenSenders(const std::string& user_id) = 0;
  // Unread notification counts of the room per thread; "main" is the main timeline.
  virtual std::map<std::string, UnreadCounts> unread(const std::string& user_id,
                                                     const std::string& room_id) = 0;
  // unread() for many rooms: room id -> thread -> counts. One call per room unless the
  // extension can do better (a sync of hundreds of rooms asks for all of them).
  virtual std::map<std::string, std::map<std::string, UnreadCounts>> unreadOfRooms(
      const std::string& user_id, const std::vector<std::string>& room_ids) {
    std::map<std::string, std::map<std::string, UnreadCounts>> out;
    for (const auto& room_id : room_ids) {
      out[room_id] = unread(user_id, room_id);
    }
    return out;
  }
  // The response carries these rooms' timelines up to these stream positions.
  virtual void delivered(const std::string& user_id,
                         const std::vector<std::pair<std::string, int64_t>>& rooms) = 0;
  // Delivery status (sent|delivered|read) of the viewer's own events among `events`.
  virtual std::map<std::string, std::string> ownEventStatus(
      const std::string& user_id, const std::string& room_id,
      const std::vector<rooms::StoredEvent>& events) = 0;
};

}  // namespace hs::sync
