#include "homeserver/services/accounts/account_service.h"

#include <algorithm>
#include <cctype>

#include "homeserver/core/digest.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/matrix_error.h"

namespace hs::accounts {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxPasswordBytes = 512;
constexpr size_t kMaxDeviceIdBytes = 255;
constexpr size_t kMaxDisplayNameBytes = 512;
const Flows kPasswordFlows = {{"m.login.password"}};
constexpr size_t kMaxDevicesPerRequest = 1000;

std::string tokenHash(const std::string& token) { return core::sha256(token); }

}  // namespace

void AccountService::checkDeviceFields(const std::optional<std::string>& device_id,
                                       const std::optional<std::string>& display_name) {
  if (device_id && (device_id->empty() || device_id->size() > kMaxDeviceIdBytes)) {
    throw MatrixError(ErrCode::InvalidParam, "device_id must be 1 to 255 bytes");
  }
  if (display_name && display_name->size() > kMaxDisplayNameBytes) {
    throw MatrixError(ErrCode::InvalidParam, "Device display name too long");
  }
}

AccountService::AccountService(const config::Config& config, AccountStore& store,
                               core::Random& random, const core::Clock& clock)
    : config_(config), store_(store), random_(random), clock_(clock),
      login_per_ip_(clock, config.rate_limits.login_per_ip.per_second,
                    config.rate_limits.login_per_ip.burst, config.rate_limits.enabled),
      login_per_account_(clock, config.rate_limits.login_per_account.per_second,
                         config.rate_limits.login_per_account.burst, config.rate_limits.enabled),
      register_per_ip_(clock, config.rate_limits.register_per_ip.per_second,
                       config.rate_limits.register_per_ip.burst, config.rate_limits.enabled),
      hasher_(config.auth.password_ops_limit, config.auth.password_mem_limit_kib),
      uia_(store, random, clock, hasher_, login_per_account_, config.registration.registration_tokens) {}

int64_t AccountService::keepUntil() const {
  return clock_.nowMs() + config_.auth.refresh_token_lifetime_ms;
}

void AccountService::devicesChanged(const std::string& user_id, const std::vector<std::string>& device_ids,
                                    bool deleted) const {
  if (device_hook_ && !device_ids.empty()) {
    device_hook_(user_id, device_ids, deleted);
  }
}

std::string AccountService::canonicalLocalpart(const std::string& username) const {
  std::string local = username;
  // A full user id of this server is accepted as well as a bare localpart.
  if (!local.empty() && local[0] == '@') {
    const size_t colon = local.find(':');
    if (colon == std::string::npos || local.substr(colon + 1) != config_.server_name) {
      throw MatrixError(ErrCode::InvalidUsername, "User ID must be on this server");
    }
    local = local.substr(1, colon - 1);
  }
  std::transform(local.begin(), local.end(), local.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (!core::isValidNewLocalpart(local)) {
    throw MatrixError(ErrCode::InvalidUsername,
                      "User ID may only contain a-z, 0-9, '.', '_', '=', '-', '/' and '+'");
  }
  if (local.size() + config_.server_name.size() + 2 > 255) {
    throw MatrixError(ErrCode::InvalidUsername, "User ID is too long");
  }
  return local;
}

void AccountService::checkPasswordStrength(const std::string& password) const {
  if (password.size() < config_.auth.min_password_length) {
    throw MatrixError(ErrCode::WeakPassword, "Password must be at least " +
                                                 std::to_string(config_.auth.min_password_length) +
                                                 " characters");
  }
  if (password.size() > kMaxPasswordBytes) {
    throw MatrixError(ErrCode::InvalidParam, "Password too long");
  }
}

bool AccountService::checkUsernameAvailable(const std::string& username) {
  const std::string local = canonicalLocalpart(username);
  if (store_.findUser(core::UserId::make(local, config_.server_name).str())) {
    throw MatrixError(ErrCode::UserInUse, "User ID already taken");
  }
  return true;
}

bool AccountService::isRegistrationTokenValid(const std::string& token) const {
  return uia_.isRegistrationTokenValid(token);
}

LoginResult AccountService::mintTokens(const std::string& user_id, const std::string& device_id,
                                       bool with_refresh, SessionTokens& tokens) const {
  LoginResult r{user_id, device_id, random_.token("pat_"), std::nullopt, std::nullopt};
  tokens.access_hash = tokenHash(*r.access_token);
  if (with_refresh) {
    const int64_t now = clock_.nowMs();
    r.refresh_token = random_.token("prt_");
    r.expires_in_ms = config_.auth.access_token_lifetime_ms;
    tokens.access_expires_at = now + config_.auth.access_token_lifetime_ms;
    tokens.refresh_hash = tokenHash(*r.refresh_token);
    tokens.refresh_expires_at = now + config_.auth.refresh_token_lifetime_ms;
  }
  return r;
}

LoginResult AccountService::registerUser(const RegisterParams& given, const UiaAttempt& uia) {
  if (!config_.registration.enabled) {
    throw MatrixError(ErrCode::Forbidden, "Registration is disabled");
  }
  if (given.guest_access_token) {
    return upgradeGuest(given, uia);
  }
  register_per_ip_.check(given.ip);
  RegisterParams p = given;
  const auto session_id = uia.auth ? json::optString(*uia.auth, "session") : std::nullopt;
  if (const auto done = recallRegistration(session_id, uia, p)) {
    uia_.require("register", registrationFlows(), uia, std::nullopt);  // the session must still pass
    return registerAgain(*done, p);
  }
  // Validate before UIA so a client learns of a taken name before it completes any stage.
  // Without a username the server picks one (lower-cased, as the grammar requires).
  const std::string local = canonicalLocalpart(p.username.value_or(random_.alnum(12)));
  const std::string user_id = core::UserId::make(local, config_.server_name).str();
  if (store_.findUser(user_id)) {
    throw MatrixError(ErrCode::UserInUse, "User ID already taken");
  }
  if (p.password) {
    checkPasswordStrength(*p.password);
    p.password_hash = hasher_.hash(*p.password);  // before UIA: a new session remembers it
  }
  checkDeviceFields(p.device_id, p.initial_device_display_name);
  UiaAttempt attempt = uia;
  if (!session_id) {
    p.username = local;  // a retry without a username keeps the one chosen now
    attempt.remembered = rememberRegistration(p);
  }
  const std::string uia_session = uia_.require("register", registrationFlows(), attempt, std::nullopt);
  const auto email = threepid_ ? threepid_->emailOfUiaSession(uia_session) : std::nullopt;
  if (config_.registration.require_email && !email) {
    throw MatrixError(ErrCode::Forbidden, "Registration requires a validated email address");
  }
  UserRecord user{user_id, p.password_hash, local, std::nullopt, false};
  std::optional<NewSession> session;
  LoginResult result{user_id, p.device_id.value_or(random_.alnum(10)), std::nullopt, std::nullopt,
                     std::nullopt};
  if (!p.inhibit_login) {
    session = NewSession{result.device_id, p.initial_device_display_name, {}, p.ip};
    result = mintTokens(user_id, result.device_id, p.refresh_token, session->tokens);
  }
  createAccount(user, session, email);
  if (session_id) {
    uia_.markRegistered(uia_session, user_id);
  }
  return result;
}

// The email stage comes on top of the dummy or token stage when the server requires it, or
// as an alternative flow when it only can send email.
Flows AccountService::registrationFlows() const {
  const std::string base = config_.registration.require_registration_token ? "m.login.registration_token"
                                                                           : "m.login.dummy";
  if (threepid_ == nullptr) {
    return {{base}};
  }
  if (config_.registration.require_email) {
    return base == "m.login.dummy" ? Flows{{"m.login.email.identity"}}
                                   : Flows{{base, "m.login.email.identity"}};
  }
  if (base == "m.login.dummy") {
    return {{base}, {"m.login.email.identity"}};
  }
  return {{base}, {base, "m.login.email.identity"}};
}

void AccountService::createAccount(const UserRecord& user, const std::optional<NewSession>& session,
                                   const std::optional<std::string>& email) {
  // The address is claimed first so a lost race for it leaves no account behind, and released
  // again when the user id was lost instead.
  if (email && !threepid_->bindEmail(user.user_id, *email)) {
    throw MatrixError(ErrCode::ThreepidInUse, "This email address is already in use");
  }
  if (!store_.createUser(user, session, clock_.nowMs())) {
    if (email) {
      threepid_->unbindEmail(user.user_id, *email);
    }
    throw MatrixError(ErrCode::UserInUse, "User ID already taken");
  }
}

void AccountService::setThreepidAuth(ThreepidAuth* threepid) {
  threepid_ = threepid;
  uia_.setThreepidAuth(threepid);
}

std::optional<std::string> AccountService::userOfEmail(const std::string& address) {
  return threepid_ ? threepid_->userOfEmail(address) : std::nullopt;
}

void AccountService::resetPassword(const std::string& new_password, const UiaAttempt& uia) {
  if (threepid_ == nullptr) {
    throw MatrixError(ErrCode::MissingToken, "Missing access token");
  }
  checkPasswordStrength(new_password);
  const std::string session = uia_.require("password_reset", {{"m.login.email.identity"}}, uia, std::nullopt);
  const auto email = threepid_->emailOfUiaSession(session);
  const auto user = email ? threepid_->userOfEmail(*email) : std::nullopt;
  if (!user) {
    throw MatrixError(ErrCode::ThreepidNotFound, "No account has this email address");
  }
  store_.setPasswordHash(*user, hasher_.hash(new_password));
  // A reset logs out everywhere; the devices leave the device lists as on any logout.
  devicesChanged(*user, store_.deleteDevices(*user, {}, std::nullopt, keepUntil()), true);
  if (password_hook_) {
    password_hook_(*user, "");
  }
}

LoginResult AccountService::login(const LoginParams& p) {
  login_per_ip_.check(p.ip);
  checkDeviceFields(p.device_id, p.initial_device_display_name);
  std::optional<UserRecord> user;
  try {
    user = store_.findUser(core::UserId::make(canonicalLocalpart(p.user), config_.server_name).str());
  } catch (const MatrixError&) {
    // An impossible user name is answered like a wrong password: no account enumeration.
  }
  login_per_account_.check(user ? user->user_id : p.user);
  // Deactivation erased the password hash, so this is said before any password check.
  if (user && user->deactivated) {
    throw MatrixError(ErrCode::UserDeactivated, "This account has been deactivated");
  }
  if (!user || !user->password_hash || !hasher_.verify(p.password, *user->password_hash)) {
    throw MatrixError(ErrCode::Forbidden, "Invalid username or password");
  }
  NewSession session{p.device_id.value_or(random_.alnum(10)), p.initial_device_display_name, {}, p.ip};
  LoginResult r = mintTokens(user->user_id, session.device_id, p.refresh_token, session.tokens);
  store_.createSession(user->user_id, session, clock_.nowMs());
  // A new device is a device-list change for everyone sharing a room (as Synapse notifies it
  // at login, before the device uploads any keys).
  devicesChanged(user->user_id, {session.device_id}, false);
  return r;
}

LoginResult AccountService::refresh(const std::string& refresh_token) {
  const std::string hash = tokenHash(refresh_token);
  const int64_t now = clock_.nowMs();
  auto session = store_.sessionByRefreshHash(hash);
  if (!session) {
    // A rotated token presented again was copied by someone: end the session it led to.
    if (auto stolen = store_.sessionOfRotatedRefresh(hash)) {
      store_.revokeSession(*stolen, keepUntil());
    }
    throw MatrixError(ErrCode::UnknownToken, "Unknown refresh token").with("soft_logout", "false");
  }
  if (session->refresh_expires_at && *session->refresh_expires_at < now) {
    throw MatrixError(ErrCode::UnknownToken, "Refresh token expired").with("soft_logout", "true");
  }
  SessionTokens fresh;
  LoginResult r = mintTokens(session->user_id, session->device_id, true, fresh);
  if (!store_.rotateSession(session->session_id, hash, fresh, keepUntil())) {
    throw MatrixError(ErrCode::UnknownToken, "Refresh token already used").with("soft_logout", "false");
  }
  return r;
}

core::Requester AccountService::authenticate(const std::string& access_token) {
  auto session = store_.sessionByAccessHash(tokenHash(access_token));
  if (!session || session->user_deactivated) {
    throw MatrixError(ErrCode::UnknownToken, "Unknown access token").with("soft_logout", "false");
  }
  if (session->access_expires_at && *session->access_expires_at < clock_.nowMs()) {
    throw MatrixError(ErrCode::UnknownToken, "Access token has expired").with("soft_logout", "true");
  }
  core::Requester who;
  who.user = core::UserId::parse(session->user_id);
  who.device_id = session->device_id;
  who.session_id = session->session_id;
  who.is_guest = session->user_is_guest;
  return who;
}

void AccountService::logout(const core::Requester& who) {
  // Logging out deletes the device, as the spec says.
  devicesChanged(who.userId().str(),
                 store_.deleteDevices(who.userId().str(), {who.device_id}, std::nullopt, keepUntil()), true);
}

void AccountService::logoutAll(const core::Requester& who) {
  devicesChanged(who.userId().str(), store_.deleteDevices(who.userId().str(), {}, std::nullopt, keepUntil()),
                 true);
}

void AccountService::requirePassword(const std::string& purpose, const core::Requester& who,
                                     const UiaAttempt& uia) {
  uia_.require(purpose, kPasswordFlows, uia, who.userId().str());
}

void AccountService::changePassword(const core::Requester& who, const std::string& new_password,
                                    bool logout_devices, const UiaAttempt& uia) {
  checkPasswordStrength(new_password);
  requirePassword("password", who, uia);
  store_.setPasswordHash(who.userId().str(), hasher_.hash(new_password));
  if (logout_devices) {
    devicesChanged(who.userId().str(),
                   store_.deleteDevices(who.userId().str(), {}, who.device_id, keepUntil()), true);
  }
  if (password_hook_) {
    password_hook_(who.userId().str(), who.device_id);
  }
}

void AccountService::deactivate(const core::Requester& who, const UiaAttempt& uia) {
  requirePassword("deactivate", who, uia);
  devicesChanged(who.userId().str(), store_.deactivate(who.userId().str(), keepUntil()), true);
}

std::vector<DeviceRecord> AccountService::devices(const core::Requester& who) {
  return store_.listDevices(who.userId().str());
}

DeviceRecord AccountService::device(const core::Requester& who, const std::string& device_id) {
  auto d = store_.getDevice(who.userId().str(), device_id);
  if (!d) {
    throw MatrixError(ErrCode::NotFound, "Unknown device");
  }
  return std::move(*d);
}

void AccountService::renameDevice(const core::Requester& who, const std::string& device_id,
                                  const std::optional<std::string>& name) {
  checkDeviceFields(std::nullopt, name);
  if (!store_.setDeviceDisplayName(who.userId().str(), device_id, name)) {
    throw MatrixError(ErrCode::NotFound, "Unknown device");
  }
  devicesChanged(who.userId().str(), {device_id}, false);
}

void AccountService::deleteDevices(const core::Requester& who,
                                   const std::vector<std::string>& device_ids,
                                   const UiaAttempt& uia) {
  if (device_ids.size() > kMaxDevicesPerRequest) {
    throw MatrixError(ErrCode::InvalidParam, "Too many devices in one request");
  }
  requirePassword("delete_devices", who, uia);
  if (!device_ids.empty()) {
    devicesChanged(who.userId().str(),
                   store_.deleteDevices(who.userId().str(), device_ids, std::nullopt, keepUntil()), true);
  }
}

}  // namespace hs::accounts
