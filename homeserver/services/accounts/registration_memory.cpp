// Registration across UIA round trips, as Synapse behaves: the session remembers what the
// first request asked for, so a continuation carrying only `auth` registers that (never a
// random user id), and a retried completed session answers for the account it made.
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/accounts/account_service.h"

namespace hs::accounts {

std::string rememberRegistration(const RegisterParams& p) {
  json::Writer w;
  w.startObject().optString("username", p.username).optString("device_id", p.device_id);
  w.optString("initial_device_display_name", p.initial_device_display_name);
  w.optString("password_hash", p.password_hash);
  w.key("inhibit_login").boolean(p.inhibit_login).key("refresh_token").boolean(p.refresh_token);
  w.endObject();
  return w.take();
}

void recallRegistration(const std::string& remembered, RegisterParams& p) {
  const auto doc = json::tryParse(remembered);
  if (!doc || !doc->IsObject()) {
    return;
  }
  p.username = json::optString(*doc, "username");
  p.device_id = json::optString(*doc, "device_id");
  p.initial_device_display_name = json::optString(*doc, "initial_device_display_name");
  p.password_hash = json::optString(*doc, "password_hash");
  p.password.reset();  // the hash stands for it
  p.inhibit_login = json::optBool(*doc, "inhibit_login").value_or(false);
  p.refresh_token = json::optBool(*doc, "refresh_token").value_or(false);
}

std::optional<std::string> AccountService::recallRegistration(const std::optional<std::string>& session_id,
                                                              const UiaAttempt& uia, RegisterParams& p) {
  const auto stored = session_id ? uia_.storedSession(*session_id) : std::nullopt;
  if (!stored || stored->purpose != "register") {
    return std::nullopt;  // require() answers unknown sessions
  }
  if (uia.bare) {
    accounts::recallRegistration(stored->params, p);
  }
  return stored->registered_user;
}

LoginResult AccountService::registerAgain(const std::string& user_id, const RegisterParams& p) {
  LoginResult result{user_id, p.device_id.value_or(random_.alnum(10)), std::nullopt, std::nullopt,
                     std::nullopt};
  if (!p.inhibit_login) {
    NewSession session{result.device_id, p.initial_device_display_name, {}, p.ip};
    result = mintTokens(user_id, result.device_id, p.refresh_token, session.tokens);
    store_.createSession(user_id, session, clock_.nowMs());
  }
  return result;
}

}  // namespace hs::accounts
