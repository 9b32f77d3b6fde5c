#pragma once
// Email verification (seed VERIFY_CODE) and the addresses bound to accounts. requestToken
// mails a 6-digit code and a link token (both stored only as hashes, valid 15 minutes, 5
// wrong tries) and follows the spec's send_attempt rule: a repeated attempt number gets the
// same session and no new mail. Sending is rate limited per address and per IP, and happens
// before anything is stored, so a mail server that cannot be reached leaves nothing behind.
#include <optional>
#include <string>
#include <vector>

#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/random.h"
#include "homeserver/services/accounts/threepid_auth.h"
#include "homeserver/services/email/mailer.h"
#include "homeserver/services/email/threepid_store.h"
#include "homeserver/services/rate_limiter.h"

namespace hs::email {

inline constexpr const char* kRegister = "register";
inline constexpr const char* kAdd = "add";
inline constexpr const char* kPassword = "password";

struct TokenRequest {
  std::string purpose;  // register | add | password
  std::string client_secret;
  std::string email;
  int64_t send_attempt = 0;
  std::string ip;
  std::optional<std::string> user_id;  // the requester, for `add`
};

struct TokenResponse {
  std::string sid;
  std::string submit_url;
};

class VerificationService final : public accounts::ThreepidAuth {
 public:
  VerificationService(const config::Config& config, ThreepidStore& store, Mailer& mailer,
                      const core::Clock& clock, core::Random& random);

  TokenResponse requestToken(const TokenRequest& r);
  // The submit step: `token` is the code or the link token. M_TOKEN_INCORRECT,
  // M_SESSION_EXPIRED (too late, or too many wrong tries), M_INVALID_PARAM (unknown session).
  void submitToken(const std::string& sid, const std::string& client_secret, const std::string& token);

  std::vector<BoundThreepid> threepids(const std::string& user_id);
  // POST /account/3pid/add after UIA: binds the address the user validated.
  void add(const std::string& user_id, const std::string& client_secret, const std::string& sid);
  void remove(const std::string& user_id, const std::string& medium, const std::string& address);

  // accounts::ThreepidAuth
  std::optional<std::string> checkEmailStage(const json::Value& threepid_creds,
                                             const std::string& uia_purpose,
                                             const std::string& uia_session) override;
  std::optional<std::string> emailOfUiaSession(const std::string& uia_session) override;
  bool bindEmail(const std::string& user_id, const std::string& address) override;
  void unbindEmail(const std::string& user_id, const std::string& address) override;
  std::optional<std::string> userOfEmail(const std::string& address) override;

 private:
  std::string checkedAddress(const TokenRequest& r);
  std::string sixDigits();
  std::string hashOf(const std::string& sid, const std::string& secret) const;
  std::string compose(const TokenRequest& r, const std::string& address, const std::string& sid,
                      const std::string& code, const std::string& link_token);
  // A session validated for `purpose` matching the credentials, or the failure message.
  std::optional<std::string> validatedSession(const std::string& sid, const std::string& client_secret,
                                              const std::string& purpose, ThreepidSession& out);
  std::string submitUrl() const;

  const config::Config& config_;
  ThreepidStore& store_;
  Mailer& mailer_;
  const core::Clock& clock_;
  core::Random& random_;
  std::string template_;
  services::RateLimiter per_address_;
  services::RateLimiter per_ip_;
};

}  // namespace hs::email
