#include "homeserver/services/accounts/uia.h"

#include <algorithm>

#include "homeserver/core/digest.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/matrix_error.h"

namespace hs::accounts {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr int64_t kSessionLifetimeMs = 30 * 60 * 1000;

bool flowDone(const std::vector<std::string>& flow, const std::vector<std::string>& completed) {
  return std::all_of(flow.begin(), flow.end(), [&](const std::string& stage) {
    return std::find(completed.begin(), completed.end(), stage) != completed.end();
  });
}

bool anyFlowDone(const Flows& flows, const std::vector<std::string>& completed) {
  return std::any_of(flows.begin(), flows.end(),
                     [&](const auto& flow) { return flowDone(flow, completed); });
}

bool stageOffered(const Flows& flows, const std::string& stage) {
  return std::any_of(flows.begin(), flows.end(), [&](const auto& flow) {
    return std::find(flow.begin(), flow.end(), stage) != flow.end();
  });
}

// The user named by an m.login.password stage: identifier.user or the legacy `user`.
std::optional<std::string> passwordStageUser(const json::Value& auth) {
  if (const json::Value* id = json::optObject(auth, "identifier")) {
    if (json::optString(*id, "type").value_or("") != "m.id.user") {
      return std::nullopt;
    }
    return json::optString(*id, "user");
  }
  return json::optString(auth, "user");
}
}  // namespace

void Uia::challenge(const Flows& flows, const UiaSession& session, const char* errcode,
                    const std::string& error) {
  json::Writer w;
  w.startObject().key("flows").startArray();
  for (const auto& flow : flows) {
    w.startObject().key("stages").startArray();
    for (const auto& stage : flow) {
      w.string(stage);
    }
    w.endArray().endObject();
  }
  w.endArray().key("params").startObject().endObject();
  // `completed` even when empty, as Synapse answers: clients read it to pick the next stage.
  w.key("session").string(session.session_id).key("completed").startArray();
  for (const auto& stage : session.completed) {
    w.string(stage);
  }
  w.endArray();
  if (errcode != nullptr) {
    w.key("errcode").string(errcode).key("error").string(error);
  }
  w.endObject();
  throw MatrixError(ErrCode::Unauthorized, error.empty() ? "Authentication required" : error, 401)
      .withBody(w.take());
}

bool Uia::isRegistrationTokenValid(const std::string& token) const {
  return std::any_of(registration_tokens_.begin(), registration_tokens_.end(),
                     [&](const std::string& t) { return core::constantTimeEquals(t, token); });
}

std::optional<std::string> Uia::checkStage(const std::string& stage, const json::Value& auth,
                                          const std::optional<std::string>& user_id,
                                          const UiaSession& session) {
  if (stage == "m.login.dummy") {
    return std::nullopt;
  }
  if (stage == "m.login.email.identity" && threepid_ != nullptr) {
    const json::Value* creds = json::optObject(auth, "threepid_creds");
    if (creds == nullptr) {
      creds = json::optObject(auth, "threepidCreds");  // the pre-r0 spelling some clients send
    }
    if (creds == nullptr) {
      return "Missing threepid_creds";
    }
    return threepid_->checkEmailStage(*creds, session.purpose, session.session_id);
  }
  if (stage == "m.login.registration_token") {
    const auto token = json::optString(auth, "token");
    if (!token || !isRegistrationTokenValid(*token)) {
      return "Invalid registration token";
    }
    return std::nullopt;
  }
  if (stage == "m.login.password") {
    const auto named = passwordStageUser(auth);
    const auto password = json::optString(auth, "password");
    std::optional<UserRecord> user;
    if (user_id) {
      password_per_account_.check(*user_id);  // 429 like /login, before any hashing
    }
    if (user_id && named && password) {
      // Either the full id or the localpart of the authenticated user. Another account's
      // credentials cannot authorise this user's action: 403, as Synapse answers, and before
      // any hashing, so this is no oracle for the other account's password.
      const core::UserId me = core::UserId::parse(*user_id);
      if (*named != *user_id && *named != me.localpart()) {
        throw MatrixError(ErrCode::Forbidden, "The password stage must authenticate " + *user_id);
      }
      user = store_.findUser(*user_id);
    }
    if (!user || !user->password_hash || !hasher_.verify(*password, *user->password_hash)) {
      return "Invalid password";
    }
    return std::nullopt;
  }
  return "Unsupported authentication stage";
}

UiaSession Uia::continuedSession(const std::string& session_id, const std::string& purpose,
                                 const UiaAttempt& attempt, const std::optional<std::string>& user_id) {
  auto found = store_.getUiaSession(session_id);
  if (!found || found->user_id != user_id || found->created_at + kSessionLifetimeMs < clock_.nowMs()) {
    throw MatrixError(ErrCode::Unauthorized, "Unknown or expired UIA session", 401);
  }
  // The spec binds a session to the request that started it: authenticating to delete one
  // device must not delete another. Synapse compares method and URI only; the body (without
  // `auth`) is compared too, so /delete_devices cannot swap its list mid-session.
  const bool remembered_registration = purpose == "register" && attempt.bare;
  if (found->purpose != purpose || (found->operation != attempt.operation && !remembered_registration)) {
    throw MatrixError(ErrCode::Forbidden,
                      "Requested operation has changed during the UI authentication session");
  }
  return std::move(*found);
}

std::optional<UiaSession> Uia::storedSession(const std::string& session_id) {
  auto found = store_.getUiaSession(session_id);
  if (!found || found->created_at + kSessionLifetimeMs < clock_.nowMs()) {
    return std::nullopt;
  }
  return found;
}

void Uia::markRegistered(const std::string& session_id, const std::string& user_id) {
  store_.setUiaRegisteredUser(session_id, user_id);
}

std::string Uia::require(const std::string& purpose, const Flows& flows, const UiaAttempt& attempt,
                         const std::optional<std::string>& user_id) {
  const json::Value* auth = attempt.auth;
  UiaSession session;
  const auto session_id = auth ? json::optString(*auth, "session") : std::nullopt;
  if (session_id) {
    session = continuedSession(*session_id, purpose, attempt, user_id);
  } else {
    session = UiaSession{random_.alnum(24), purpose, user_id, {}, clock_.nowMs(), attempt.operation,
                         attempt.remembered, std::nullopt};
    // A first request that already completes a flow (m.login.dummy alone, as matrix-nio
    // sends) needs no stored session; every other case does.
    if (auth == nullptr) {
      store_.createUiaSession(session);
      challenge(flows, session);
    }
  }
  const auto type = json::optString(*auth, "type");
  const auto failure = !type || !stageOffered(flows, *type)
                           ? std::optional<std::string>("Unknown or missing auth type")
                           : checkStage(*type, *auth, user_id, session);
  if (failure) {
    if (!session_id) {
      store_.createUiaSession(session);  // so the client can retry within it
    }
    challenge(flows, session, "M_FORBIDDEN", *failure);
  }
  if (std::find(session.completed.begin(), session.completed.end(), *type) == session.completed.end()) {
    session.completed.push_back(*type);
  }
  if (anyFlowDone(flows, session.completed)) {
    // A registration session stays until it expires: a retry of the completed request
    // answers for the account it made (markRegistered).
    if (session_id && purpose != "register") {
      store_.deleteUiaSession(session.session_id);
    }
    return session.session_id;
  }
  if (session_id) {
    store_.addUiaCompleted(session.session_id, *type);
  } else {
    store_.createUiaSession(session);
  }
  challenge(flows, session);
}

}  // namespace hs::accounts
