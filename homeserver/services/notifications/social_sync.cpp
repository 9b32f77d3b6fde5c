#include "homeserver/services/notifications/social_sync.h"

namespace hs::notifications {

std::map<std::string, sync::UnreadCounts> SocialSync::unread(const std::string& user_id,
                                                             const std::string& room_id) {
  std::map<std::string, sync::UnreadCounts> out;
  for (const auto& [thread, c] : notifications_.unreadCounts(user_id, room_id)) {
    out[thread] = sync::UnreadCounts{c.notifications, c.highlights};
  }
  return out;
}

}  // namespace hs::notifications
