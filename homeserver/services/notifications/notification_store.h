#pragma once
// What the notification services need from storage: the feed rows (which also back Matrix
// push notifications and unread counts) and the delivery records of MESSAGE.status.
// db/pg_notification_store implements both.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace hs::notifications {

inline constexpr const char* kFriendRequest = "friend_request";
inline constexpr const char* kNewMessage = "new_message";
inline constexpr const char* kGroupInvite = "group_invite";
inline constexpr const char* kGroupUpdate = "group_update";
inline constexpr const char* kMainThread = "main";

struct Notification {
  int64_t id = 0;
  std::string user_id;
  std::string type;
  std::string title;
  std::string body;
  std::optional<std::string> related_id;
  std::optional<std::string> room_id;
  std::optional<std::string> event_id;
  std::optional<int64_t> stream_pos;
  std::string thread_id = kMainThread;
  bool notify = false;     // push rules said notify: a Matrix notification
  bool highlight = false;
  std::string actions = "[]";
  bool is_read = false;       // the feed's flag
  bool receipt_read = false;  // covered by a read receipt
  int64_t created_at = 0;
};

struct Counts {
  int64_t notifications = 0;
  int64_t highlights = 0;
};

class NotificationStore {
 public:
  virtual ~NotificationStore() = default;
  virtual void insert(const std::vector<Notification>& rows) = 0;
  // Newest first, ids below `before_id` when given.
  virtual std::vector<Notification> feed(const std::string& user, std::optional<int64_t> before_id,
                                         size_t limit, bool only_unread) = 0;
  virtual int64_t unreadFeedCount(const std::string& user) = 0;
  // False when the user has no such notification.
  virtual bool markRead(const std::string& user, int64_t id) = 0;
  virtual void markAllRead(const std::string& user) = 0;
  // Rows with notify set, newest first (GET /notifications).
  virtual std::vector<Notification> pushed(const std::string& user, std::optional<int64_t> before_id,
                                           size_t limit, bool only_highlight) = 0;
  // A read receipt (or the user's own event) at `up_to_pos` in `thread_id` ("" for an
  // unthreaded receipt: every thread) covers the user's notifications of the room up to it.
  virtual void markReceiptRead(const std::string& user, const std::string& room_id,
                               const std::string& thread_id, int64_t up_to_pos) = 0;
  // Unread notify rows of the room, per thread id ("main" for the main timeline).
  virtual std::map<std::string, Counts> unreadCounts(const std::string& user,
                                                     const std::string& room_id) = 0;
  // unreadCounts for many rooms in one query (a /sync of hundreds of rooms): room id ->
  // thread id -> counts, rooms without unread rows absent.
  virtual std::map<std::string, std::map<std::string, Counts>> unreadCountsOfRooms(
      const std::string& user, const std::vector<std::string>& room_ids) = 0;
  // Unread notify rows over every room (the push badge).
  virtual int64_t totalUnread(const std::string& user) = 0;
};

// A recipient's read receipt (m.read) in a room: the stream position of the event it points at.
struct ReceiptPosition {
  int64_t stream_pos = 0;
  int64_t ts = 0;
};

class DeliveryStore {
 public:
  virtual ~DeliveryStore() = default;
  // A /sync response carried these rooms' timelines up to these positions at `ts`.
  virtual void recordDelivery(const std::string& user,
                              const std::vector<std::pair<std::string, int64_t>>& rooms,
                              int64_t ts) = 0;
  // When an event at `stream_pos` first reached the user: the earliest delivery at or past it.
  virtual std::optional<int64_t> deliveredAt(const std::string& user, const std::string& room_id,
                                             int64_t stream_pos) = 0;
  // The furthest delivered position per user in the room.
  virtual std::map<std::string, int64_t> deliveredUpTo(const std::string& room_id) = 0;
  // Public read receipts (m.read, unthreaded or not) per user in the room.
  virtual std::map<std::string, ReceiptPosition> readReceipts(const std::string& room_id) = 0;
};

}  // namespace hs::notifications
