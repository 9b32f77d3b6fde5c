#pragma once
// Device keys, one-time keys and fallback keys of local users (POST /keys/upload, /keys/query,
// /keys/claim), and the key counts /sync reports. Cross-signing uploads are in
// cross_signing.h; what both change goes into the device-list stream (device_lists.h).
// Remote users get nothing yet: federation will ask their servers (user/keys/query|claim).
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/services/e2ee/device_lists.h"
#include "homeserver/services/e2ee/key_store.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::e2ee {

struct KeyQueryResult {
  // user -> device -> DeviceKeys JSON with unsigned.device_display_name and the signatures
  // uploaded for it.
  std::map<std::string, std::map<std::string, std::string>> device_keys;
  // user -> key JSON with the signatures the requester may see.
  std::map<std::string, std::string> master_keys;
  std::map<std::string, std::string> self_signing_keys;
  std::map<std::string, std::string> user_signing_keys;  // the requester's own only
};

// user -> device -> claimed keys ("<algorithm>:<key id>" -> key JSON).
using KeyClaimResult = std::map<std::string, std::map<std::string, std::map<std::string, std::string>>>;

class KeyService {
 public:
  KeyService(KeyStore& store, DeviceLists& lists, streams::StreamTracker& stream, std::string server_name)
      : store_(store), lists_(lists), stream_(stream), server_name_(std::move(server_name)) {}

  // POST /keys/upload for the requester's device; returns its one-time key counts. A device
  // cannot replace its identity keys with different ones (M_INVALID_PARAM).
  std::map<std::string, int64_t> upload(const core::UserId& user, const std::string& device_id,
                                        const json::Value& body);
  // POST /keys/query: `device_keys` is the request's {user: [device ids]} map.
  KeyQueryResult query(const core::UserId& requester, const json::Value& device_keys);
  // POST /keys/claim: `one_time_keys` is the request's {user: {device: algorithm}} map.
  KeyClaimResult claim(const json::Value& one_time_keys);

  // For /sync. The signed_curve25519 count is always present (0 included): clients read its
  // absence as "unknown" rather than "none left".
  std::map<std::string, int64_t> oneTimeKeyCounts(const std::string& user_id, const std::string& device_id);
  std::vector<std::string> unusedFallbackKeyTypes(const std::string& user_id, const std::string& device_id);

 private:
  void uploadDeviceKeys(const core::UserId& user, const std::string& device_id, const json::Value& keys);
  void queryUser(const core::UserId& requester, const std::string& user_id,
                 const std::vector<std::string>& device_ids, KeyQueryResult& out);
  bool isLocal(const core::UserId& user) const { return user.server() == server_name_; }

  KeyStore& store_;
  DeviceLists& lists_;
  streams::StreamTracker& stream_;
  std::string server_name_;
};

}  // namespace hs::e2ee
