#pragma once
// What the key backup service needs from storage. db/pg_e2ee_backup_store implements it.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

namespace hs::e2ee {

struct BackupVersion {
  int64_t version = 0;
  std::string algorithm;
  std::string auth_data;  // JSON object
  int64_t etag = 0;
  int64_t count = 0;
};

struct BackupKey {
  std::string room_id;
  std::string session_id;
  int64_t first_message_index = 0;
  int64_t forwarded_count = 0;
  bool is_verified = false;
  std::string session_data;  // JSON object
};

// Which part of a backup a read or delete covers: everything, one room, or one session.
struct BackupScope {
  std::optional<std::string> room_id;
  std::optional<std::string> session_id;  // only with room_id
};

struct BackupWrite {
  enum class Outcome { Stored, NoSuchVersion, NotCurrent };
  Outcome outcome = Outcome::Stored;
  std::optional<int64_t> current_version;  // with NotCurrent
  int64_t etag = 0;
  int64_t count = 0;
};

class BackupStore {
 public:
  virtual ~BackupStore() = default;
  // A new version, one above any the user ever had (deleted ones included).
  virtual int64_t createVersion(const std::string& user_id, const std::string& algorithm,
                                const std::string& auth_data) = 0;
  // A version that is not deleted; the current (highest) one when `version` is nullopt.
  virtual std::optional<BackupVersion> version(const std::string& user_id,
                                               std::optional<int64_t> version) = 0;
  // False when the version does not exist or is deleted.
  virtual bool updateAuthData(const std::string& user_id, int64_t version, const std::string& auth_data) = 0;
  // Marks the version deleted and removes its keys; false when there was no such version.
  virtual bool deleteVersion(const std::string& user_id, int64_t version) = 0;
  // Stores keys into `version` if it is the current version, under the version's row lock.
  // A session already stored is overwritten only when `replaces(incoming, stored)`. The etag
  // moves when any key changed.
  using Replaces = std::function<bool(const BackupKey& incoming, const BackupKey& stored)>;
  virtual BackupWrite putKeys(const std::string& user_id, int64_t version,
                              const std::vector<BackupKey>& keys, const Replaces& replaces) = 0;
  virtual std::vector<BackupKey> keys(const std::string& user_id, int64_t version,
                                      const BackupScope& scope) = 0;
  // Deletes the keys in scope (moving the etag if any went); nullopt when the version does
  // not exist.
  virtual std::optional<BackupVersion> deleteKeys(const std::string& user_id, int64_t version,
                                                  const BackupScope& scope) = 0;
};

}  // namespace hs::e2ee
