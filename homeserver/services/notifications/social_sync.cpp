#include "homeserver/services/notifications/social_sync.h"

#include <spdlog/spdlog.h>

namespace hs::notifications {

std::map<std::string, sync::UnreadCounts> SocialSync::unread(const std::string& user_id,
                                                             const std::string& room_id) {
  std::map<std::string, sync::UnreadCounts> out;
  for (const auto& [thread, c] : notifications_.unreadCounts(user_id, room_id)) {
    out[thread] = sync::UnreadCounts{c.notifications, c.highlights};
  }
  return out;
}

std::map<std::string, std::map<std::string, sync::UnreadCounts>> SocialSync::unreadOfRooms(
    const std::string& user_id, const std::vector<std::string>& room_ids) {
  std::map<std::string, std::map<std::string, sync::UnreadCounts>> out;
  for (const auto& [room_id, threads] : notifications_.unreadCountsOfRooms(user_id, room_ids)) {
    for (const auto& [thread, c] : threads) {
      out[room_id][thread] = sync::UnreadCounts{c.notifications, c.highlights};
    }
  }
  return out;
}

void SocialSync::delivered(const std::string& user_id,
                           const std::vector<std::pair<std::string, int64_t>>& rooms) {
  try {
    delivery_.delivered(user_id, rooms);
  } catch (const std::exception& e) {  // a side effect of an answered request, see above
    spdlog::error("recording deliveries for {} failed: {}", user_id, e.what());
  }
}

}  // namespace hs::notifications
