#include "homeserver/services/sync/lazy_members.h"

namespace hs::sync {

namespace {
std::string deviceKey(const std::string& user_id, const std::string& device_id) {
  return user_id + '\n' + device_id;
}
}  // namespace

void LazyMemberCache::reset(const std::string& user_id, const std::string& device_id) {
  std::lock_guard lock(mu_);
  const auto it = devices_.find(deviceKey(user_id, device_id));
  if (it != devices_.end()) {
    entries_ -= it->second.size();
    devices_.erase(it);
  }
}

bool LazyMemberCache::held(const std::string& user_id, const std::string& device_id,
                           const std::string& room_id, const std::string& member,
                           const std::string& event_id, int64_t since) {
  std::lock_guard lock(mu_);
  const auto device = devices_.find(deviceKey(user_id, device_id));
  if (device == devices_.end()) {
    return false;
  }
  const auto it = device->second.find(room_id + '\n' + member);
  return it != device->second.end() && it->second.event_id == event_id && it->second.at <= since;
}

void LazyMemberCache::sent(const std::string& user_id, const std::string& device_id,
                           const std::string& room_id, const std::string& member,
                           const std::string& event_id, int64_t at) {
  std::lock_guard lock(mu_);
  if (entries_ >= kMaxEntries) {
    devices_.clear();
    entries_ = 0;
  }
  auto& device = devices_[deviceKey(user_id, device_id)];
  auto [it, added] = device.try_emplace(room_id + '\n' + member);
  entries_ += added ? 1 : 0;
  // A retried request may send the same event again at an older position: keep the older
  // one, which the client acknowledges first.
  if (added || it->second.event_id != event_id || at < it->second.at) {
    it->second = Sent{event_id, at};
  }
}

}  // namespace hs::sync
