#include "homeserver/services/e2ee/device_lists.h"

#include <algorithm>

#include "homeserver/services/e2ee/positions.h"

namespace hs::e2ee {

void DeviceLists::devicesChanged(const std::string& user_id,
                                 const std::vector<std::string>& device_ids, bool deleted) {
  if (device_ids.empty()) {
    return;
  }
  {
    Positions positions(stream_);
    std::vector<DeviceListChange> changes;
    for (const auto& device : device_ids) {
      changes.push_back(DeviceListChange{user_id, device, deleted, positions.take()});
    }
    store_.recordChanges(changes);
  }  // positions released before the wake-up, so woken syncs can read them
  notify(user_id);
}

void DeviceLists::notify(const std::string& user_id) {
  std::vector<std::string> users = store_.usersSharingRoom(user_id);
  if (std::find(users.begin(), users.end(), user_id) == users.end()) {
    users.push_back(user_id);
  }
  notifier_.notifyUsers(users);
}

DeviceListDelta DeviceLists::delta(const std::string& user_id, int64_t from_excl, int64_t to_incl) {
  DeviceListDelta d;
  if (to_incl <= from_excl) {
    return d;
  }
  d.left = store_.leftUsers(user_id, from_excl, to_incl);
  for (auto& u : store_.changedUsers(user_id, from_excl, to_incl)) {
    if (std::find(d.left.begin(), d.left.end(), u) == d.left.end()) {
      d.changed.push_back(std::move(u));
    }
  }
  return d;
}

}  // namespace hs::e2ee
