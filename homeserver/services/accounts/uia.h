#pragma once
// User-interactive authentication (ALGORITHMS §24): sessions, stages and the 401 body.
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/clock.h"
#include "homeserver/core/json.h"
#include "homeserver/core/random.h"
#include "homeserver/services/accounts/account_store.h"
#include "homeserver/services/accounts/password_hasher.h"
#include "homeserver/services/accounts/threepid_auth.h"
#include "homeserver/services/rate_limiter.h"

namespace hs::accounts {

using Flows = std::vector<std::vector<std::string>>;

// One request's part in user-interactive auth: its `auth` object (absent on a first attempt)
// and the operation it asks for, a digest of its method, path and body without `auth`
// (client_api's uiaAttempt). A session started by one operation cannot complete another.
struct UiaAttempt {
  const json::Value* auth = nullptr;
  std::string operation;
  // The body held nothing but `auth`. A registration continued this way registers what the
  // session's first request asked for (Synapse's "registration remembers parameters").
  bool bare = false;
  // Stored with a session this attempt starts (registration's parameters, uia_sessions.params).
  std::string remembered;
};

class Uia {
 public:
  // `password_per_account` is /login's per-account limit: a password guessed through UIA
  // (deleting devices, deactivation) costs the same as one guessed through /login.
  Uia(AccountStore& store, core::Random& random, const core::Clock& clock,
      const PasswordHasher& hasher, services::RateLimiter& password_per_account,
      std::vector<std::string> registration_tokens)
      : store_(store), random_(random), clock_(clock), hasher_(hasher),
        password_per_account_(password_per_account),
        registration_tokens_(std::move(registration_tokens)) {}

  // Returns (the UIA session id) when the attempt's `auth` completes one of `flows`;
  // otherwise throws the 401 that tells the client what is left. `user_id` binds the session
  // to an account (for m.login.password); it is empty for registration. A session continued
  // by another purpose or operation than the one that started it is 403.
  std::string require(const std::string& purpose, const Flows& flows, const UiaAttempt& attempt,
                      const std::optional<std::string>& user_id);
  // A stored, unexpired session (registration reads what it remembered).
  std::optional<UiaSession> storedSession(const std::string& session_id);
  // Registration: the account a completed session made, so a retry answers for it.
  void markRegistered(const std::string& session_id, const std::string& user_id);
  // Enables the m.login.email.identity stage.
  void setThreepidAuth(ThreepidAuth* threepid) { threepid_ = threepid; }
  bool isRegistrationTokenValid(const std::string& token) const;

 private:
  // Checks one stage's credentials; the failure message, or nullopt when it passed.
  std::optional<std::string> checkStage(const std::string& stage, const json::Value& auth,
                                        const std::optional<std::string>& user_id,
                                        const UiaSession& session);
  [[noreturn]] void challenge(const Flows& flows, const UiaSession& session,
                              const char* errcode = nullptr, const std::string& error = "");
  // The stored session an attempt continues (401 when unknown, expired or another user's;
  // 403 when it was started for another operation).
  UiaSession continuedSession(const std::string& session_id, const std::string& purpose,
                              const UiaAttempt& attempt, const std::optional<std::string>& user_id);

  AccountStore& store_;
  core::Random& random_;
  const core::Clock& clock_;
  const PasswordHasher& hasher_;
  services::RateLimiter& password_per_account_;
  std::vector<std::string> registration_tokens_;
  ThreepidAuth* threepid_ = nullptr;
};

}  // namespace hs::accounts
