#pragma once
// What the key services need from storage: device identity keys, one-time and fallback keys,
// cross-signing keys and signatures, and the device-list change stream. db/pg_e2ee_key_store
// implements it. Key objects travel as JSON text, exactly as clients signed them.
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/services/federation/outbound.h"

namespace hs::e2ee {

// One entry of the device-list stream: a device's keys or name changed, the device was
// deleted, or (device_id empty) the user's cross-signing keys changed.
struct DeviceListChange {
  std::string user_id;
  std::optional<std::string> device_id;
  bool deleted = false;
  int64_t stream_pos = 0;
  // m.device_list_update for the servers sharing a room with the user, queued with the change
  // (DeviceLists::addFederation fills it).
  std::vector<outbound::Edu> edus;
};

struct DeviceKeys {
  std::string device_id;
  std::string key_json;  // DeviceKeys without `unsigned`
  std::optional<std::string> display_name;
};

// A one-time or fallback key: "<algorithm>:<key_id>" split in two, and its JSON value.
struct OneTimeKey {
  std::string algorithm;
  std::string key_id;
  std::string key_json;
};

struct CrossSigningKey {
  std::string key_type;    // "master", "self_signing" or "user_signing"
  std::string public_key;  // unpadded base64; the key id is "ed25519:" + public_key
  std::string key_json;
};

struct Signature {
  std::string target_user;
  std::string target_key;  // a device id, or a cross-signing public key
  std::string signer_user;
  std::string signer_key_id;
  std::string signature;
};

class KeyStore {
 public:
  virtual ~KeyStore() = default;

  virtual std::optional<std::string> deviceKeys(const std::string& user_id,
                                                const std::string& device_id) = 0;
  // Stores the device's keys and records `change`, in one transaction. False when the device
  // no longer exists (deleted meanwhile): nothing is written.
  virtual bool putDeviceKeys(const std::string& user_id, const std::string& device_id,
                             const std::string& key_json, const DeviceListChange& change) = 0;
  // The keys of the user's devices (every device with keys when `device_ids` is empty).
  virtual std::vector<DeviceKeys> queryDeviceKeys(const std::string& user_id,
                                                  const std::vector<std::string>& device_ids) = 0;

  // Adds one-time keys. A key id already stored with different content refuses the whole
  // upload: its "<algorithm>:<key_id>" is returned and nothing is stored. Keys already stored
  // as sent are skipped (a retried upload).
  virtual std::optional<std::string> addOneTimeKeys(const std::string& user_id,
                                                    const std::string& device_id,
                                                    const std::vector<OneTimeKey>& keys) = 0;
  virtual std::map<std::string, int64_t> oneTimeKeyCounts(const std::string& user_id,
                                                          const std::string& device_id) = 0;
  // Replaces the fallback key of each key's algorithm; re-uploading the same key keeps its
  // used flag.
  virtual void putFallbackKeys(const std::string& user_id, const std::string& device_id,
                               const std::vector<OneTimeKey>& keys) = 0;
  virtual std::vector<std::string> unusedFallbackKeyTypes(const std::string& user_id,
                                                          const std::string& device_id) = 0;
  // Removes and returns the oldest one-time key of the algorithm; when there is none, marks
  // the fallback key used and returns it. Concurrent claims never get the same one-time key.
  virtual std::optional<OneTimeKey> claimKey(const std::string& user_id, const std::string& device_id,
                                             const std::string& algorithm) = 0;

  virtual std::vector<CrossSigningKey> crossSigningKeys(const std::string& user_id) = 0;
  // Replaces the user's keys of these types and records `change`, in one transaction.
  virtual void putCrossSigningKeys(const std::string& user_id, const std::vector<CrossSigningKey>& keys,
                                   const DeviceListChange& change) = 0;
  // Adds (or replaces) signatures and records `changes`, in one transaction.
  virtual void addSignatures(const std::vector<Signature>& signatures,
                             const std::vector<DeviceListChange>& changes) = 0;
  // Uploaded signatures of the user's devices and keys made by one of `signers`.
  virtual std::vector<Signature> signaturesOf(const std::string& target_user,
                                              const std::vector<std::string>& signers) = 0;
  virtual bool deviceExists(const std::string& user_id, const std::string& device_id) = 0;

  // Records changes made outside key uploads (devices renamed or deleted). A deleted device's
  // uploaded signatures go with it.
  virtual void recordChanges(const std::vector<DeviceListChange>& changes) = 0;
  // The position of the user's latest device-list change, if any (the next one's prev_id).
  virtual std::optional<int64_t> latestChange(const std::string& user_id) = 0;
  // Users who share a joined room with `user_id` and whose device list changed in
  // (from_excl, to_incl], the user themselves included; plus the members of rooms where they
  // or the user joined in that range (a newly shared room: their lists may be stale).
  virtual std::vector<std::string> changedUsers(const std::string& user_id, int64_t from_excl,
                                                int64_t to_incl) = 0;
  // Users who left, or were left in, a room in (from_excl, to_incl] and share no joined room
  // with `user_id` any more.
  virtual std::vector<std::string> leftUsers(const std::string& user_id, int64_t from_excl,
                                             int64_t to_incl) = 0;
  // Everyone who shares a joined room with `user_id`, the user included.
  virtual std::vector<std::string> usersSharingRoom(const std::string& user_id) = 0;
};

}  // namespace hs::e2ee
