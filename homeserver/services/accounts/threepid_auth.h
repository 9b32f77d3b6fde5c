#pragma once
// What accounts need from email verification (homeserver/services/email implements it): the
// m.login.email.identity UIA stage, binding addresses to accounts, login and password reset
// by email. Accounts work without it (no email flows are offered).
#include <optional>
#include <string>

#include "homeserver/core/json.h"

namespace hs::accounts {

class ThreepidAuth {
 public:
  virtual ~ThreepidAuth() = default;
  // Checks the threepid_creds ({sid, client_secret}) of an m.login.email.identity stage of a
  // UIA session for `uia_purpose` ("register", "password_reset") and remembers the session
  // used it. The failure message, or nullopt when the address was validated.
  virtual std::optional<std::string> checkEmailStage(const json::Value& threepid_creds,
                                                     const std::string& uia_purpose,
                                                     const std::string& uia_session) = 0;
  // The address validated by UIA session `uia_session`, if its email stage passed.
  virtual std::optional<std::string> emailOfUiaSession(const std::string& uia_session) = 0;
  // Binds an address to an account; false when it is bound already.
  virtual bool bindEmail(const std::string& user_id, const std::string& address) = 0;
  virtual void unbindEmail(const std::string& user_id, const std::string& address) = 0;
  virtual std::optional<std::string> userOfEmail(const std::string& address) = 0;
};

}  // namespace hs::accounts
