#pragma once
// What the account service needs from storage. db/pg_account_store implements it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hs::accounts {

struct UserRecord {
  std::string user_id;
  std::optional<std::string> password_hash;
  std::optional<std::string> displayname;
  std::optional<std::string> avatar_url;
  bool deactivated = false;
  bool is_guest = false;
};

// The hashes of a session's tokens and when they stop working (nullopt: never).
struct SessionTokens {
  std::string access_hash;
  std::optional<int64_t> access_expires_at;
  std::optional<std::string> refresh_hash;
  std::optional<int64_t> refresh_expires_at;
};

struct NewSession {
  std::string device_id;
  std::optional<std::string> device_display_name;
  SessionTokens tokens;
  std::string ip;
};

struct SessionInfo {
  int64_t session_id = 0;
  std::string user_id;
  std::string device_id;
  std::optional<int64_t> access_expires_at;
  std::optional<int64_t> refresh_expires_at;
  bool user_deactivated = false;
  bool user_is_guest = false;
};

struct DeviceRecord {
  std::string device_id;
  std::optional<std::string> display_name;
  std::optional<std::string> last_seen_ip;
  std::optional<int64_t> last_seen_ts;
};

struct UiaSession {
  std::string session_id;
  std::string purpose;
  std::optional<std::string> user_id;
  std::vector<std::string> completed;
  int64_t created_at = 0;
  std::string operation;  // UiaAttempt::operation of the request that started it
  std::string params;     // UiaAttempt::remembered of that request
  std::optional<std::string> registered_user;  // registration: the account it made
};

class AccountStore {
 public:
  virtual ~AccountStore() = default;

  // Creates the user, and the session when given, in one transaction. False if the user id
  // is taken.
  virtual bool createUser(const UserRecord& user, const std::optional<NewSession>& session,
                          int64_t now) = 0;
  virtual std::optional<UserRecord> findUser(const std::string& user_id) = 0;
  // Opens a session on a device (created if new). A device's previous sessions end: the
  // spec says logging in with a known device id invalidates its old access tokens.
  virtual int64_t createSession(const std::string& user_id, const NewSession& session,
                                int64_t now) = 0;
  virtual std::optional<SessionInfo> sessionByAccessHash(const std::string& hash) = 0;
  virtual std::optional<SessionInfo> sessionByRefreshHash(const std::string& hash) = 0;
  // Swaps a session's tokens if its refresh token is still `old_refresh_hash`, keeping the
  // old hashes as rotated; false if another request rotated it first.
  virtual bool rotateSession(int64_t session_id, const std::string& old_refresh_hash,
                             const SessionTokens& fresh, int64_t keep_until) = 0;
  // The session a rotated refresh token belonged to, if it is one.
  virtual std::optional<int64_t> sessionOfRotatedRefresh(const std::string& hash) = 0;
  // Ends a session and records its token hashes as revoked.
  virtual void revokeSession(int64_t session_id, int64_t keep_until) = 0;
  // Removes devices (their sessions go with them). An empty list means every device
  // except `keep_device` (if given). Returns the ids of the devices that were removed.
  virtual std::vector<std::string> deleteDevices(const std::string& user_id, const std::vector<std::string>& device_ids,
                             const std::optional<std::string>& keep_device, int64_t keep_until) = 0;
  virtual std::vector<DeviceRecord> listDevices(const std::string& user_id) = 0;
  // Makes a guest account a full one with this password; false if it is not a guest.
  virtual bool upgradeGuest(const std::string& user_id, const std::optional<std::string>& password_hash) = 0;
  virtual std::optional<DeviceRecord> getDevice(const std::string& user_id,
                                                const std::string& device_id) = 0;
  virtual bool setDeviceDisplayName(const std::string& user_id, const std::string& device_id,
                                    const std::optional<std::string>& name) = 0;
  virtual void touchDevice(const std::string& user_id, const std::string& device_id,
                           const std::string& ip, int64_t now) = 0;
  virtual void setPasswordHash(const std::string& user_id, const std::string& hash) = 0;
  // Marks the account deactivated and removes every device and session; returns the ids of
  // the removed devices.
  virtual std::vector<std::string> deactivate(const std::string& user_id, int64_t keep_until) = 0;
  // field is "displayname" or "avatar_url".
  virtual void setProfileField(const std::string& user_id, const std::string& field,
                               const std::optional<std::string>& value) = 0;

  virtual void createUiaSession(const UiaSession& session) = 0;
  virtual std::optional<UiaSession> getUiaSession(const std::string& session_id) = 0;
  virtual void addUiaCompleted(const std::string& session_id, const std::string& stage) = 0;
  virtual void deleteUiaSession(const std::string& session_id) = 0;
  virtual void setUiaRegisteredUser(const std::string& session_id, const std::string& user_id) = 0;
};

}  // namespace hs::accounts
