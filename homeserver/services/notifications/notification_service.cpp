#include "homeserver/services/notifications/notification_service.h"

#include <set>

#include "homeserver/core/matrix_error.h"

namespace hs::notifications {

using core::ErrCode;
using core::MatrixError;

namespace {
std::optional<int64_t> parseId(const std::string& text) {
  if (text.empty() || text.size() > 18 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(text);
}

FeedPage page(std::vector<Notification> rows, size_t limit) {
  FeedPage p;
  if (rows.size() > limit) {
    rows.pop_back();
    p.next_token = rows.back().id;
  }
  p.rows = std::move(rows);
  return p;
}
}  // namespace

std::optional<int64_t> parseFromToken(const std::optional<std::string>& from) {
  if (!from || from->empty()) {
    return std::nullopt;
  }
  auto id = parseId(*from);
  if (!id) {
    throw MatrixError(ErrCode::InvalidParam, "Invalid 'from' token");
  }
  return id;
}

void NotificationService::add(std::vector<Notification> rows, bool wake) {
  if (rows.empty()) {
    return;
  }
  std::set<std::string> users;
  for (auto& r : rows) {
    r.created_at = clock_.nowMs();
    users.insert(r.user_id);
  }
  store_.insert(rows);
  if (wake) {
    notifier_.notifyUsers({users.begin(), users.end()});
  }
  if (push_hook_) {
    push_hook_(rows);
  }
}

FeedPage NotificationService::feed(const std::string& user, const std::optional<std::string>& from,
                                   size_t limit, bool only_unread) {
  FeedPage p = page(store_.feed(user, parseFromToken(from), limit + 1, only_unread), limit);
  p.unread_count = store_.unreadFeedCount(user);
  return p;
}

void NotificationService::markRead(const std::string& user, const std::string& id) {
  const auto parsed = parseId(id);
  if (!parsed || !store_.markRead(user, *parsed)) {
    throw MatrixError(ErrCode::NotFound, "Unknown notification");
  }
}

void NotificationService::markAllRead(const std::string& user) { store_.markAllRead(user); }

FeedPage NotificationService::pushed(const std::string& user, const std::optional<std::string>& from,
                                     size_t limit, bool only_highlight) {
  return page(store_.pushed(user, parseFromToken(from), limit + 1, only_highlight), limit);
}

void NotificationService::readUpTo(const std::string& user, const std::string& room_id,
                                   const std::string& thread_id, int64_t up_to_pos) {
  store_.markReceiptRead(user, room_id, thread_id, up_to_pos);
}

std::map<std::string, Counts> NotificationService::unreadCounts(const std::string& user,
                                                                const std::string& room_id) {
  return store_.unreadCounts(user, room_id);
}

}  // namespace hs::notifications
