#pragma once
// The notification feed (seed NOTIFICATION) and its Matrix side: GET /notifications, the
// unread counts of /sync, and marking read when a read receipt arrives. Rows are written by
// EventNotifier (room events, after push rule evaluation) and by the friend service.
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/clock.h"
#include "homeserver/services/notifications/notification_store.h"
#include "homeserver/services/streams/notifier.h"

namespace hs::notifications {

struct FeedPage {
  std::vector<Notification> rows;
  std::optional<int64_t> next_token;  // the `from` of the next page; absent at the end
  int64_t unread_count = 0;
};

// Called with every user that got a notify row (pushers send it to gateways).
using PushHook = std::function<void(const std::vector<Notification>& rows)>;

class NotificationService {
 public:
  NotificationService(NotificationStore& store, streams::Notifier& notifier, const core::Clock& clock)
      : store_(store), notifier_(notifier), clock_(clock) {}

  // Stores rows (created_at stamped here), wakes the users' /syncs and hands notify rows to
  // the push hook.
  // `wake`: whether to wake the recipients' /syncs; the room event path passes false, as it
  // wakes every member of the room right after (a second wake costs each parked sync a
  // full pass that finds nothing new).
  void add(std::vector<Notification> rows, bool wake = true);
  void setPushHook(PushHook hook) { push_hook_ = std::move(hook); }

  // GET .../notifications?from=&limit=&only_unread=
  FeedPage feed(const std::string& user, const std::optional<std::string>& from, size_t limit,
                bool only_unread);
  // POST .../notifications/{id}/read: M_NOT_FOUND for an id that is not the user's.
  void markRead(const std::string& user, const std::string& id);
  void markAllRead(const std::string& user);
  // GET /_matrix/client/v3/notifications?from=&limit=&only=highlight
  FeedPage pushed(const std::string& user, const std::optional<std::string>& from, size_t limit,
                  bool only_highlight);

  // A read receipt (thread "" = unthreaded) or the user's own event at `up_to_pos`.
  void readUpTo(const std::string& user, const std::string& room_id, const std::string& thread_id,
                int64_t up_to_pos);
  std::map<std::string, Counts> unreadCounts(const std::string& user, const std::string& room_id);
  std::map<std::string, std::map<std::string, Counts>> unreadCountsOfRooms(
      const std::string& user, const std::vector<std::string>& room_ids) {
    return store_.unreadCountsOfRooms(user, room_ids);
  }
  int64_t totalUnread(const std::string& user) { return store_.totalUnread(user); }

 private:
  NotificationStore& store_;
  streams::Notifier& notifier_;
  const core::Clock& clock_;
  PushHook push_hook_;
};

// The `from` token of both feeds: a notification id. M_INVALID_PARAM when malformed.
std::optional<int64_t> parseFromToken(const std::optional<std::string>& from);

}  // namespace hs::notifications
