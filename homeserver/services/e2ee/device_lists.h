#pragma once
// The device-list stream: who must re-download whose keys. Writers record changes at stream
// positions (through the key store, in their own transaction) and call notify(); /sync and
// /keys/changes read the users changed or left between two positions.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/services/e2ee/key_store.h"
#include "homeserver/services/streams/notifier.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::e2ee {

struct DeviceListDelta {
  std::vector<std::string> changed;
  std::vector<std::string> left;
};

class DeviceLists {
 public:
  DeviceLists(KeyStore& store, streams::StreamTracker& stream, streams::Notifier& notifier)
      : store_(store), stream_(stream), notifier_(notifier) {}

  // Devices renamed (deleted = false) or deleted: records one change per device and wakes
  // everyone who tracks the user's devices.
  void devicesChanged(const std::string& user_id, const std::vector<std::string>& device_ids,
                      bool deleted);
  // Wakes the parked /syncs of the user and of everyone sharing a room with them.
  void notify(const std::string& user_id);
  // Federation on: the servers that must hear of a user's device changes (sharing a room).
  void setRemoteAudience(std::function<std::vector<std::string>(const std::string& user_id)> f) {
    remote_audience_ = std::move(f);
  }
  // Adds the m.device_list_update EDUs of a device change (its keys when they changed) to be
  // queued with it. `prev` is the user's change before this one; without it, it is read.
  void addFederation(DeviceListChange& change, const std::optional<std::string>& keys_json,
                     std::optional<std::optional<int64_t>> prev = std::nullopt) const;
  // For /sync and /keys/changes: what changed for `user_id` in (from_excl, to_incl]. A user
  // is never both changed and left.
  DeviceListDelta delta(const std::string& user_id, int64_t from_excl, int64_t to_incl);

 private:
  KeyStore& store_;
  streams::StreamTracker& stream_;
  streams::Notifier& notifier_;
  std::function<std::vector<std::string>(const std::string&)> remote_audience_;
};

}  // namespace hs::e2ee
