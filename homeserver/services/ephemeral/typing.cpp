#include "homeserver/services/ephemeral/typing.h"

#include <algorithm>

namespace hs::ephemeral {

namespace {
constexpr int64_t kMaxTimeoutMs = 120000;
}

void TypingTracker::expireLocked(const std::string& room_id, int64_t now) {
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) {
    return;
  }
  const size_t before = it->second.until.size();
  std::erase_if(it->second.until, [now](const auto& kv) { return kv.second <= now; });
  if (it->second.until.size() != before) {
    it->second.serial = ++serial_;
  }
}

bool TypingTracker::set(const std::string& room_id, const std::string& user_id, bool typing,
                        int64_t timeout_ms) {
  const int64_t now = clock_.nowMs();
  std::lock_guard lock(mu_);
  expireLocked(room_id, now);
  Room& room = rooms_[room_id];
  const bool was = room.until.count(user_id) != 0;
  if (typing) {
    room.until[user_id] = now + std::clamp<int64_t>(timeout_ms, 0, kMaxTimeoutMs);
  } else {
    room.until.erase(user_id);
  }
  if (was != typing) {
    room.serial = ++serial_;
    return true;
  }
  return false;
}

std::vector<std::string> TypingTracker::typing(const std::string& room_id) {
  std::lock_guard lock(mu_);
  expireLocked(room_id, clock_.nowMs());
  std::vector<std::string> out;
  if (auto it = rooms_.find(room_id); it != rooms_.end()) {
    for (const auto& [user, until] : it->second.until) {
      out.push_back(user);
    }
  }
  return out;
}

int64_t TypingTracker::serial() {
  const int64_t now = clock_.nowMs();
  std::lock_guard lock(mu_);
  for (const auto& [room_id, room] : rooms_) {
    if (!room.until.empty()) {
      expireLocked(room_id, now);
    }
  }
  return serial_;
}

int64_t TypingTracker::roomSerial(const std::string& room_id) {
  std::lock_guard lock(mu_);
  expireLocked(room_id, clock_.nowMs());
  auto it = rooms_.find(room_id);
  return it == rooms_.end() ? 0 : it->second.serial;
}

}  // namespace hs::ephemeral
