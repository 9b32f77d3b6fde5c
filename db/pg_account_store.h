#pragma once
// PostgreSQL implementation of the account service's store: users, devices, sessions,
// invalid tokens and UIA sessions.
#include "db/pool.h"
#include "homeserver/services/accounts/account_store.h"

namespace hs::db {

class PgAccountStore final : public accounts::AccountStore {
 public:
  explicit PgAccountStore(Pool& pool) : pool_(pool) {}

  bool createUser(const accounts::UserRecord& user,
                  const std::optional<accounts::NewSession>& session, int64_t now) override;
  std::optional<accounts::UserRecord> findUser(const std::string& user_id) override;
  int64_t createSession(const std::string& user_id, const accounts::NewSession& session,
                        int64_t now) override;
  std::optional<accounts::SessionInfo> sessionByAccessHash(const std::string& hash) override;
  std::optional<accounts::SessionInfo> sessionByRefreshHash(const std::string& hash) override;
  bool rotateSession(int64_t session_id, const std::string& old_refresh_hash,
                     const accounts::SessionTokens& fresh, int64_t keep_until) override;
  std::optional<int64_t> sessionOfRotatedRefresh(const std::string& hash) override;
  void revokeSession(int64_t session_id, int64_t keep_until) override;
  std::vector<std::string> deleteDevices(const std::string& user_id, const std::vector<std::string>& device_ids,
                     const std::optional<std::string>& keep_device, int64_t keep_until) override;
  std::vector<accounts::DeviceRecord> listDevices(const std::string& user_id) override;
  bool upgradeGuest(const std::string& user_id, const std::optional<std::string>& password_hash) override;
  std::optional<accounts::DeviceRecord> getDevice(const std::string& user_id,
                                                  const std::string& device_id) override;
  bool setDeviceDisplayName(const std::string& user_id, const std::string& device_id,
                            const std::optional<std::string>& name) override;
  void touchDevice(const std::string& user_id, const std::string& device_id,
                   const std::string& ip, int64_t now) override;
  void setPasswordHash(const std::string& user_id, const std::string& hash) override;
  std::vector<std::string> deactivate(const std::string& user_id, int64_t keep_until) override;
  void setProfileField(const std::string& user_id, const std::string& field,
                       const std::optional<std::string>& value) override;

  void createUiaSession(const accounts::UiaSession& session) override;
  std::optional<accounts::UiaSession> getUiaSession(const std::string& session_id) override;
  void addUiaCompleted(const std::string& session_id, const std::string& stage) override;
  void deleteUiaSession(const std::string& session_id) override;
  void setUiaRegisteredUser(const std::string& session_id, const std::string& user_id) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
