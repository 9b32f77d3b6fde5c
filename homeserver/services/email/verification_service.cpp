#include "homeserver/services/email/verification_service.h"

#include <fstream>
#include <sstream>

#include "homeserver/core/digest.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/percent_encode.h"
#include "homeserver/services/email/email_text.h"

namespace hs::email {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kSidLength = 24;
constexpr size_t kLinkTokenLength = 32;
constexpr int64_t kValidatedUsableMs = 24LL * 3600 * 1000;
constexpr const char* kSubmitPath = "_matrix/client/unstable/im.parley/email/submit_token";

std::string loadTemplate(const std::string& path) {
  if (path.empty()) {
    return defaultTemplate();
  }
  std::ifstream in(path);
  if (!in) {
    throw std::runtime_error("cannot read email.template_path " + path);
  }
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

const char* purposeText(const std::string& purpose) {
  if (purpose == kRegister) return "create your account";
  if (purpose == kAdd) return "add this address to your account";
  return "reset your password";
}
}  // namespace

VerificationService::VerificationService(const config::Config& config, ThreepidStore& store,
                                         Mailer& mailer, const core::Clock& clock, core::Random& random)
    : config_(config), store_(store), mailer_(mailer), clock_(clock), random_(random),
      template_(loadTemplate(config.email.template_path)),
      per_address_(clock, config.rate_limits.email_per_address.per_second,
                   config.rate_limits.email_per_address.burst, config.rate_limits.enabled),
      per_ip_(clock, config.rate_limits.email_per_ip.per_second, config.rate_limits.email_per_ip.burst,
              config.rate_limits.enabled) {}

std::string VerificationService::submitUrl() const {
  std::string base = config_.public_baseurl;
  if (base.empty() || base.back() != '/') {
    base += '/';
  }
  return base + kSubmitPath;
}

std::string VerificationService::hashOf(const std::string& sid, const std::string& secret) const {
  return core::sha256(sid + ":" + secret);
}

std::string VerificationService::sixDigits() {
  for (;;) {  // rejection sampling keeps the 10^6 codes equally likely
    const std::string b = random_.bytes(4);
    const uint32_t v = (static_cast<uint32_t>(static_cast<unsigned char>(b[0])) << 24) |
                       (static_cast<uint32_t>(static_cast<unsigned char>(b[1])) << 16) |
                       (static_cast<uint32_t>(static_cast<unsigned char>(b[2])) << 8) |
                       static_cast<uint32_t>(static_cast<unsigned char>(b[3]));
    if (v < 4'294'000'000U) {
      std::string code = std::to_string(v % 1'000'000U);
      return std::string(6 - code.size(), '0') + code;
    }
  }
}

std::string VerificationService::checkedAddress(const TokenRequest& r) {
  if (!mailer_.enabled()) {
    throw MatrixError(ErrCode::Forbidden, "This server does not send email");
  }
  if (!isValidClientSecret(r.client_secret)) {
    throw MatrixError(ErrCode::InvalidParam, "client_secret must be 1-255 characters of [0-9a-zA-Z.=_-]");
  }
  const auto address = normalizeAddress(r.email);
  if (!address) {
    throw MatrixError(ErrCode::InvalidParam, "Not a valid email address");
  }
  const auto owner = store_.userOf(kEmail, *address);
  if (r.purpose == kPassword && !owner) {
    throw MatrixError(ErrCode::ThreepidNotFound, "No account has this email address");
  }
  if (r.purpose != kPassword && owner) {
    throw MatrixError(ErrCode::ThreepidInUse, "This email address is already in use");
  }
  if (r.purpose == kRegister && !config_.registration.enabled) {
    throw MatrixError(ErrCode::Forbidden, "Registration is disabled");
  }
  return *address;
}

std::string VerificationService::compose(const TokenRequest& r, const std::string& address,
                                         const std::string& sid, const std::string& code,
                                         const std::string& link_token) {
  const std::string link = submitUrl() + "?sid=" + core::percentEncode(sid) + "&client_secret=" +
                           core::percentEncode(r.client_secret) + "&token=" + core::percentEncode(link_token);
  const std::map<std::string, std::string> vars = {
      {"code", code}, {"link", link}, {"server_name", config_.server_name},
      {"purpose", purposeText(r.purpose)}, {"address", address},
      {"minutes", std::to_string(config_.email.code_lifetime_ms / 60000)}};
  return composeMessage(MessageParts{config_.smtp.from, address, config_.email.subject,
                                     renderTemplate(template_, vars), rfc5322Date(clock_.nowMs()),
                                     random_.alnum(24) + "@" + config_.server_name});
}

TokenResponse VerificationService::requestToken(const TokenRequest& r) {
  const std::string address = checkedAddress(r);
  const auto existing = store_.sessionFor(r.client_secret, address, r.purpose);
  if (existing && r.send_attempt <= existing->send_attempt) {
    return {existing->sid, submitUrl()};  // a retry: same session, no new mail
  }
  per_address_.check(address);
  per_ip_.check(r.ip);
  ThreepidSession s;
  s.sid = existing ? existing->sid : random_.alnum(kSidLength);
  s.client_secret = r.client_secret;
  s.address = address;
  s.purpose = r.purpose;
  s.user_id = r.user_id;
  const std::string code = sixDigits();
  const std::string link_token = random_.alnum(kLinkTokenLength);
  s.code_hash = hashOf(s.sid, code);
  s.link_hash = hashOf(s.sid, link_token);
  s.send_attempt = r.send_attempt;
  s.created_at = clock_.nowMs();
  s.expires_at = s.created_at + config_.email.code_lifetime_ms;
  mailer_.send(address, compose(r, address, s.sid, code, link_token));  // throws: nothing stored
  store_.saveSession(s);
  return {s.sid, submitUrl()};
}

void VerificationService::submitToken(const std::string& sid, const std::string& client_secret,
                                      const std::string& token) {
  const auto s = store_.session(sid);
  if (!s || !core::constantTimeEquals(s->client_secret, client_secret)) {
    throw MatrixError(ErrCode::InvalidParam, "Unknown validation session");
  }
  if (clock_.nowMs() > s->expires_at) {
    throw MatrixError(ErrCode::SessionExpired, "The code has expired: request a new one");
  }
  if (s->failed_attempts >= config_.email.max_attempts) {
    throw MatrixError(ErrCode::SessionExpired, "Too many wrong codes: request a new one");
  }
  const std::string h = hashOf(sid, token);
  if (core::constantTimeEquals(h, s->code_hash) || core::constantTimeEquals(h, s->link_hash)) {
    store_.markValidated(sid, clock_.nowMs());
    return;
  }
  const int failed = store_.recordFailure(sid);
  const int left = std::max(0, config_.email.max_attempts - failed);
  throw MatrixError(ErrCode::TokenIncorrect,
                    "The code is incorrect; " + std::to_string(left) + " attempts left");
}

std::optional<std::string> VerificationService::validatedSession(const std::string& sid,
                                                                 const std::string& client_secret,
                                                                 const std::string& purpose,
                                                                 ThreepidSession& out) {
  auto s = store_.session(sid);
  if (!s || !core::constantTimeEquals(s->client_secret, client_secret) || s->purpose != purpose) {
    return "Unknown validation session";
  }
  if (!s->validated_at) {
    return "The email address has not been validated yet";
  }
  if (clock_.nowMs() > *s->validated_at + kValidatedUsableMs) {
    return "The validation is too old: validate the address again";
  }
  out = std::move(*s);
  return std::nullopt;
}

std::optional<std::string> VerificationService::checkEmailStage(const json::Value& creds,
                                                                const std::string& uia_purpose,
                                                                const std::string& uia_session) {
  const auto sid = json::optString(creds, "sid");
  const auto secret = json::optString(creds, "client_secret");
  if (!sid || !secret) {
    return "threepid_creds needs sid and client_secret";
  }
  ThreepidSession s;
  const std::string purpose = uia_purpose == "register" ? kRegister : kPassword;
  if (auto failure = validatedSession(*sid, *secret, purpose, s)) {
    return failure;
  }
  store_.setUiaSession(s.sid, uia_session);
  return std::nullopt;
}

std::optional<std::string> VerificationService::emailOfUiaSession(const std::string& uia_session) {
  const auto s = store_.sessionOfUia(uia_session);
  return s ? std::optional(s->address) : std::nullopt;
}

bool VerificationService::bindEmail(const std::string& user_id, const std::string& address) {
  const int64_t now = clock_.nowMs();
  return store_.bind(BoundThreepid{kEmail, address, user_id, now, now});
}

void VerificationService::unbindEmail(const std::string& user_id, const std::string& address) {
  store_.unbind(user_id, kEmail, address);
}

std::optional<std::string> VerificationService::userOfEmail(const std::string& address) {
  const auto normalized = normalizeAddress(address);
  return normalized ? store_.userOf(kEmail, *normalized) : std::nullopt;
}

std::vector<BoundThreepid> VerificationService::threepids(const std::string& user_id) {
  return store_.threepids(user_id);
}

void VerificationService::add(const std::string& user_id, const std::string& client_secret,
                              const std::string& sid) {
  ThreepidSession s;
  // A session requested without an access token belongs to whoever holds its secret (and
  // passed UIA); one requested with a token only to that token's user.
  if (auto failure = validatedSession(sid, client_secret, kAdd, s);
      failure || (s.user_id && *s.user_id != user_id)) {
    throw MatrixError(ErrCode::ThreepidAuthFailed, failure.value_or("Unknown validation session"), 400);
  }
  if (!store_.bind(BoundThreepid{kEmail, s.address, user_id, *s.validated_at, clock_.nowMs()})) {
    throw MatrixError(ErrCode::ThreepidInUse, "This email address is already in use");
  }
}

void VerificationService::remove(const std::string& user_id, const std::string& medium,
                                 const std::string& address) {
  const auto normalized = normalizeAddress(address);
  if (medium != kEmail || !normalized || !store_.unbind(user_id, medium, *normalized)) {
    throw MatrixError(ErrCode::ThreepidNotFound, "This address is not bound to your account");
  }
}

}  // namespace hs::email
