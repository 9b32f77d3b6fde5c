#pragma once
// Accounts and their sessions: registration, login, token refresh and revocation, password
// changes and deactivation. Tokens are 32 random bytes handed out once and stored only as
// SHA-256.
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/json.h"
#include "homeserver/core/random.h"
#include "homeserver/core/identity.h"
#include "homeserver/services/accounts/account_store.h"
#include "homeserver/services/accounts/password_hasher.h"
#include "homeserver/services/accounts/uia.h"
#include "homeserver/services/rate_limiter.h"

namespace hs::accounts {

struct LoginResult {
  std::string user_id;
  std::string device_id;
  std::optional<std::string> access_token;  // absent with inhibit_login
  std::optional<std::string> refresh_token;
  std::optional<int64_t> expires_in_ms;
};

struct RegisterParams {
  std::optional<std::string> username;
  std::optional<std::string> password;
  std::optional<std::string> device_id;
  std::optional<std::string> initial_device_display_name;
  bool inhibit_login = false;
  bool refresh_token = false;
  std::string ip;
  std::optional<std::string> guest_access_token;  // upgrades that guest account (guests.cpp)
  std::optional<std::string> password_hash;  // of `password`, or remembered by a UIA session
};

// Registration's parameters as a UIA session remembers them (JSON; the password only as its
// hash), and back (registration_memory.cpp).
std::string rememberRegistration(const RegisterParams& p);
void recallRegistration(const std::string& remembered, RegisterParams& p);

struct LoginParams {
  std::string user;  // a localpart or a full user id
  std::string password;
  std::optional<std::string> device_id;
  std::optional<std::string> initial_device_display_name;
  bool refresh_token = false;
  std::string ip;
};

// Called after devices were deleted (logout, deletion, deactivation, password change) or
// renamed, so that end-to-end encryption can drop them from device lists without accounts
// depending on it.
using DeviceChangeHook = std::function<void(const std::string& user_id,
                                            const std::vector<std::string>& device_ids, bool deleted)>;

// Called after a password change with the device that made it (empty for a reset by email):
// the spec deletes the user's other pushers, which accounts know nothing of.
using PasswordChangeHook = std::function<void(const std::string& user_id, const std::string& kept_device)>;

class AccountService final : public core::AccessTokenAuthenticator {
 public:
  AccountService(const config::Config& config, AccountStore& store, core::Random& random,
                 const core::Clock& clock);

  LoginResult registerUser(const RegisterParams& params, const UiaAttempt& uia);
  // Throws M_USER_IN_USE / M_INVALID_USERNAME; true otherwise.
  bool checkUsernameAvailable(const std::string& username);
  bool isRegistrationTokenValid(const std::string& token) const;
  LoginResult login(const LoginParams& params);
  LoginResult refresh(const std::string& refresh_token);
  void logout(const core::Requester& who);
  void logoutAll(const core::Requester& who);
  void changePassword(const core::Requester& who, const std::string& new_password,
                      bool logout_devices, const UiaAttempt& uia);
  // POST /account/password without an access token: UIA m.login.email.identity names the
  // account by its bound address; every device is logged out.
  void resetPassword(const std::string& new_password, const UiaAttempt& uia);
  // Email flows (registration, password reset, login by address); unset: none are offered.
  void setThreepidAuth(ThreepidAuth* threepid);
  // The account an email address is bound to (login with m.id.thirdparty).
  std::optional<std::string> userOfEmail(const std::string& address);
  void deactivate(const core::Requester& who, const UiaAttempt& uia);
  // Runs UIA for a sensitive action of an authenticated user (m.login.password).
  void requirePassword(const std::string& purpose, const core::Requester& who,
                       const UiaAttempt& uia);

  std::vector<DeviceRecord> devices(const core::Requester& who);
  // M_NOT_FOUND for a device the user does not have.
  DeviceRecord device(const core::Requester& who, const std::string& device_id);
  void renameDevice(const core::Requester& who, const std::string& device_id,
                    const std::optional<std::string>& name);
  // UIA (m.login.password), then removes the devices, their sessions and tokens.
  void deleteDevices(const core::Requester& who, const std::vector<std::string>& device_ids,
                     const UiaAttempt& uia);

  // Guest accounts (guests.cpp): POST /register?kind=guest, when registration.allow_guest_access.
  LoginResult registerGuest(const std::optional<std::string>& device_display_name, const std::string& ip);
  bool isGuest(const std::string& user_id);
  // For the admin API: whether a local account exists, and its devices.
  bool userExists(const std::string& user_id);
  std::vector<DeviceRecord> devicesOf(const std::string& user_id);

  core::Requester authenticate(const std::string& access_token) override;
  void setDeviceChangeHook(DeviceChangeHook hook) { device_hook_ = std::move(hook); }
  void setPasswordChangeHook(PasswordChangeHook hook) { password_hook_ = std::move(hook); }

 private:
  std::string canonicalLocalpart(const std::string& username) const;
  void checkPasswordStrength(const std::string& password) const;
  static void checkDeviceFields(const std::optional<std::string>& device_id,
                                const std::optional<std::string>& display_name);
  // Mints tokens for a session; `tokens` receives the hashes to store.
  LoginResult mintTokens(const std::string& user_id, const std::string& device_id,
                         bool with_refresh, SessionTokens& tokens) const;
  int64_t keepUntil() const;
  Flows registrationFlows() const;
  // registerUser continuing a stored registration session (registration_memory.cpp): fills
  // `p` from what the session remembers when the request carried only `auth`, and returns the
  // account the session already made, if it made one.
  std::optional<std::string> recallRegistration(const std::optional<std::string>& session_id,
                                                const UiaAttempt& uia, RegisterParams& p);
  // A completed registration retried: a new login for the account it made.
  LoginResult registerAgain(const std::string& user_id, const RegisterParams& p);
  // registerUser with a guest_access_token: the guest's account becomes a full one.
  LoginResult upgradeGuest(const RegisterParams& params, const UiaAttempt& uia);
  // Creates the account, bound to `email` when given, or neither.
  void createAccount(const UserRecord& user, const std::optional<NewSession>& session,
                     const std::optional<std::string>& email);
  void devicesChanged(const std::string& user_id, const std::vector<std::string>& device_ids,
                      bool deleted) const;

  const config::Config& config_;
  AccountStore& store_;
  core::Random& random_;
  const core::Clock& clock_;
  services::RateLimiter login_per_ip_;
  services::RateLimiter login_per_account_;  // also UIA's password stage
  services::RateLimiter register_per_ip_;
  PasswordHasher hasher_;
  Uia uia_;
  ThreepidAuth* threepid_ = nullptr;
  DeviceChangeHook device_hook_;
  PasswordChangeHook password_hook_;
};

}  // namespace hs::accounts
