#pragma once
// Server-side key backup (/room_keys/version and /room_keys/keys): encrypted megolm session
// keys the user's devices store for each other. The server keeps, per session, the better of
// two uploads by the spec's rule (keyReplaces) and counts changes in an etag.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/json.h"
#include "homeserver/services/e2ee/backup_store.h"

namespace hs::e2ee {

// The spec's rule for a session already in the backup: a verified key beats an unverified
// one, then a lower first_message_index wins, then a lower forwarded_count.
bool keyReplaces(const BackupKey& incoming, const BackupKey& stored);

class KeyBackupService {
 public:
  explicit KeyBackupService(BackupStore& store) : store_(store) {}

  // POST /room_keys/version: the new version id.
  std::string createVersion(const std::string& user_id, const json::Value& body);
  // GET /room_keys/version[/{version}]: M_NOT_FOUND when there is none.
  BackupVersion version(const std::string& user_id, const std::optional<std::string>& version);
  void updateVersion(const std::string& user_id, const std::string& version, const json::Value& body);
  void deleteVersion(const std::string& user_id, const std::string& version);

  // PUT /room_keys/keys...: `body` is {rooms: {room: {sessions: {id: key}}}} narrowed to the
  // scope (a room's {sessions}, or one key). Returns the version's etag and count.
  BackupVersion putKeys(const std::string& user_id, const std::string& version,
                        const BackupScope& scope, const json::Value& body);
  std::vector<BackupKey> keys(const std::string& user_id, const std::string& version,
                              const BackupScope& scope);
  BackupVersion deleteKeys(const std::string& user_id, const std::string& version,
                           const BackupScope& scope);

 private:
  int64_t existingVersion(const std::string& user_id, const std::string& version);

  BackupStore& store_;
};

}  // namespace hs::e2ee
