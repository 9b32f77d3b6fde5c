// SyncService: the encryption sections of a /sync response.
#include "homeserver/services/sync/sync_service.h"

namespace hs::sync {

namespace {
void writeStrings(json::Writer& w, const std::vector<std::string>& items) {
  w.startArray();
  for (const auto& s : items) {
    w.string(s);
  }
  w.endArray();
}
}  // namespace

void writeDeviceData(json::Writer& w, const DeviceSyncData& d) {
  w.key("to_device").startObject().key("events").startArray();
  for (const auto& e : d.to_device) {
    w.raw(e);
  }
  w.endArray().endObject();
  w.key("device_lists").startObject().key("changed");
  writeStrings(w, d.changed);
  w.key("left");
  writeStrings(w, d.left);
  w.endObject();
  w.key("device_one_time_keys_count").startObject();
  for (const auto& [algorithm, n] : d.one_time_keys_count) {
    w.key(algorithm).integer(n);
  }
  w.endObject();
  w.key("device_unused_fallback_key_types");
  writeStrings(w, d.unused_fallback_key_types);
}

DeviceSyncData SyncService::deviceData(const SyncRequest& req, int64_t from, int64_t to) const {
  if (!device_source_) {
    return {};
  }
  return device_source_({req.user_id, req.device_id, req.since ? std::optional(from) : std::nullopt, to});
}

bool hasDeviceNews(const DeviceSyncData& d) {
  return !d.to_device.empty() || !d.changed.empty() || !d.left.empty();
}

}  // namespace hs::sync
