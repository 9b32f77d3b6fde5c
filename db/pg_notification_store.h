#pragma once
// PostgreSQL implementation of the notification stores (tables notifications and
// sync_deliveries; read receipts come from the receipts table).
#include "db/pool.h"
#include "homeserver/services/notifications/notification_store.h"

namespace hs::db {

class PgNotificationStore final : public notifications::NotificationStore {
 public:
  explicit PgNotificationStore(Pool& pool) : pool_(pool) {}
  void insert(const std::vector<notifications::Notification>& rows) override;
  std::vector<notifications::Notification> feed(const std::string& user,
                                                std::optional<int64_t> before_id, size_t limit,
                                                bool only_unread) override;
  int64_t unreadFeedCount(const std::string& user) override;
  bool markRead(const std::string& user, int64_t id) override;
  void markAllRead(const std::string& user) override;
  std::vector<notifications::Notification> pushed(const std::string& user,
                                                  std::optional<int64_t> before_id, size_t limit,
                                                  bool only_highlight) override;
  void markReceiptRead(const std::string& user, const std::string& room_id,
                       const std::string& thread_id, int64_t up_to_pos) override;
  std::map<std::string, notifications::Counts> unreadCounts(const std::string& user,
                                                            const std::string& room_id) override;
  std::map<std::string, std::map<std::string, notifications::Counts>> unreadCountsOfRooms(
      const std::string& user, const std::vector<std::string>& room_ids) override;
  int64_t totalUnread(const std::string& user) override;

 private:
  Pool& pool_;
};

class PgDeliveryStore final : public notifications::DeliveryStore {
 public:
  explicit PgDeliveryStore(Pool& pool) : pool_(pool) {}
  void recordDelivery(const std::string& user,
                      const std::vector<std::pair<std::string, int64_t>>& rooms, int64_t ts) override;
  std::optional<int64_t> deliveredAt(const std::string& user, const std::string& room_id,
                                     int64_t stream_pos) override;
  std::map<std::string, int64_t> deliveredUpTo(const std::string& room_id) override;
  std::map<std::string, notifications::ReceiptPosition> readReceipts(const std::string& room_id) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
