// Guest accounts (spec "Guest access"): registered without credentials when the server
// allows it, limited to the routes client_api/guest_routes.cpp lists, and upgradable to full
// accounts that keep their user id (as Synapse does).
#include "homeserver/core/digest.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/accounts/account_service.h"

namespace hs::accounts {

using core::ErrCode;
using core::MatrixError;

LoginResult AccountService::registerGuest(const std::optional<std::string>& device_display_name,
                                          const std::string& ip) {
  if (!config_.registration.allow_guest_access) {
    throw MatrixError(ErrCode::GuestAccessForbidden, "Guest access is disabled");
  }
  register_per_ip_.check(ip);
  checkDeviceFields(std::nullopt, device_display_name);
  const std::string user_id = core::UserId::make(canonicalLocalpart(random_.alnum(16)), config_.server_name).str();
  UserRecord user{user_id, std::nullopt, std::nullopt, std::nullopt, false, true};
  NewSession session{random_.alnum(10), device_display_name, {}, ip};
  LoginResult result = mintTokens(user_id, session.device_id, false, session.tokens);
  createAccount(user, session, std::nullopt);
  return result;
}

// The guest's access token names the account; the usual registration stages still apply.
LoginResult AccountService::upgradeGuest(const RegisterParams& p, const UiaAttempt& uia) {
  if (!config_.registration.enabled) {
    throw MatrixError(ErrCode::Forbidden, "Registration is disabled");
  }
  register_per_ip_.check(p.ip);
  const auto guest = store_.sessionByAccessHash(core::sha256(*p.guest_access_token));
  if (!guest || !guest->user_is_guest || guest->user_deactivated) {
    throw MatrixError(ErrCode::Forbidden, "Invalid guest access token");
  }
  if (p.password) {
    checkPasswordStrength(*p.password);
  }
  checkDeviceFields(p.device_id, p.initial_device_display_name);
  uia_.require("register", registrationFlows(), uia, std::nullopt);
  const auto hash = p.password ? std::optional(hasher_.hash(*p.password)) : std::nullopt;
  if (!store_.upgradeGuest(guest->user_id, hash)) {
    throw MatrixError(ErrCode::Forbidden, "This account is no longer a guest");
  }
  LoginResult result{guest->user_id, p.device_id.value_or(guest->device_id), std::nullopt, std::nullopt,
                     std::nullopt};
  if (!p.inhibit_login) {
    NewSession session{result.device_id, p.initial_device_display_name, {}, p.ip};
    result = mintTokens(guest->user_id, result.device_id, p.refresh_token, session.tokens);
    store_.createSession(guest->user_id, session, clock_.nowMs());
  }
  return result;
}

bool AccountService::isGuest(const std::string& user_id) {
  const auto user = store_.findUser(user_id);
  return user && user->is_guest;
}

bool AccountService::userExists(const std::string& user_id) { return store_.findUser(user_id).has_value(); }

std::vector<DeviceRecord> AccountService::devicesOf(const std::string& user_id) {
  return store_.listDevices(user_id);
}

}  // namespace hs::accounts
