#pragma once
// The social layer's part of /sync: hides blocked users' events, reports the unread counts
// kept by the notification service, records deliveries and shows the sender the delivery
// status of their own events.
#include <functional>

#include "homeserver/services/notifications/delivery_service.h"
#include "homeserver/services/notifications/notification_service.h"
#include "homeserver/services/sync/sync_extension.h"

namespace hs::notifications {

using BlockList = std::function<std::set<std::string>(const std::string& user_id)>;

class SocialSync final : public sync::SyncExtension {
 public:
  SocialSync(BlockList blocked, NotificationService& notifications, DeliveryService& delivery)
      : blocked_(std::move(blocked)), notifications_(notifications), delivery_(delivery) {}

  std::set<std::string> hiddenSenders(const std::string& user_id) override { return blocked_(user_id); }
  std::map<std::string, sync::UnreadCounts> unread(const std::string& user_id,
                                                   const std::string& room_id) override;
  std::map<std::string, std::map<std::string, sync::UnreadCounts>> unreadOfRooms(
      const std::string& user_id, const std::vector<std::string>& room_ids) override;
  // A failed record must not fail the /sync that carries the events: logged and dropped.
  void delivered(const std::string& user_id,
                 const std::vector<std::pair<std::string, int64_t>>& rooms) override;
  std::map<std::string, std::string> ownEventStatus(
      const std::string& user_id, const std::string& room_id,
      const std::vector<rooms::StoredEvent>& events) override {
    return delivery_.ownStatuses(user_id, room_id, events);
  }

 private:
  BlockList blocked_;
  NotificationService& notifications_;
  DeliveryService& delivery_;
};

}  // namespace hs::notifications
