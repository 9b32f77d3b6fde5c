#include "homeserver/services/e2ee/device_lists.h"

#include <algorithm>

#include "homeserver/core/json.h"
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
    std::optional<int64_t> prev = remote_audience_ ? store_.latestChange(user_id) : std::nullopt;
    for (const auto& device : device_ids) {
      changes.push_back(DeviceListChange{user_id, device, deleted, positions.take()});
      addFederation(changes.back(), std::nullopt, prev);
      prev = changes.back().stream_pos;
    }
    store_.recordChanges(changes);
  }  // positions released before the wake-up, so woken syncs can read them
  notify(user_id);
}

// {user_id, device_id, stream_id, prev_id, deleted?, keys?}: each user's changes form one
// sequence (stream_id), and prev_id names the one before so a receiver notices a gap.
void DeviceLists::addFederation(DeviceListChange& change, const std::optional<std::string>& keys_json,
                                std::optional<std::optional<int64_t>> given_prev) const {
  if (!remote_audience_ || !change.device_id) {
    return;  // federation off, or a cross-signing change (m.signing_key_update, not sent yet)
  }
  auto servers = remote_audience_(change.user_id);
  if (servers.empty()) {
    return;
  }
  const std::optional<int64_t> prev = given_prev ? *given_prev : store_.latestChange(change.user_id);
  json::Writer w;
  w.startObject().key("user_id").string(change.user_id).key("device_id").string(*change.device_id);
  w.key("stream_id").integer(change.stream_pos).key("prev_id").startArray();
  if (prev) {
    w.integer(*prev);
  }
  w.endArray();
  if (change.deleted) {
    w.key("deleted").boolean(true);
  }
  if (keys_json) {
    w.key("keys").raw(*keys_json);
  }
  w.endObject();
  change.edus.push_back({"m.device_list_update", w.take(), std::move(servers), std::nullopt});
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
