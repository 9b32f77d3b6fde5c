#pragma once
// What email verification needs from storage: validation sessions (seed VERIFY_CODE) and the
// addresses bound to accounts. db/pg_threepid_store implements it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace hs::email {

inline constexpr const char* kEmail = "email";

struct ThreepidSession {
  std::string sid;
  std::string client_secret;
  std::string medium = kEmail;
  std::string address;
  std::string purpose;  // register | add | password
  std::optional<std::string> user_id;
  std::string code_hash;  // SHA-256 of sid:code
  std::string link_hash;  // SHA-256 of sid:link token
  int64_t send_attempt = 0;
  int failed_attempts = 0;
  int64_t expires_at = 0;
  std::optional<int64_t> validated_at;
  int64_t created_at = 0;
};

struct BoundThreepid {
  std::string medium;
  std::string address;
  std::string user_id;
  int64_t validated_at = 0;
  int64_t added_at = 0;
};

class ThreepidStore {
 public:
  virtual ~ThreepidStore() = default;
  virtual std::optional<ThreepidSession> sessionFor(const std::string& client_secret,
                                                    const std::string& address,
                                                    const std::string& purpose) = 0;
  virtual std::optional<ThreepidSession> session(const std::string& sid) = 0;
  // Inserts the session, or replaces its code, attempt, expiry and validation when the sid
  // exists (a new send_attempt).
  virtual void saveSession(const ThreepidSession& s) = 0;
  // Counts a wrong code; returns the new count.
  virtual int recordFailure(const std::string& sid) = 0;
  virtual void markValidated(const std::string& sid, int64_t now) = 0;
  virtual void setUiaSession(const std::string& sid, const std::string& uia_session) = 0;
  // The validated session a UIA session's email stage used.
  virtual std::optional<ThreepidSession> sessionOfUia(const std::string& uia_session) = 0;
  // False when the address is bound already (to anyone).
  virtual bool bind(const BoundThreepid& t) = 0;
  virtual bool unbind(const std::string& user_id, const std::string& medium,
                      const std::string& address) = 0;
  virtual std::optional<std::string> userOf(const std::string& medium, const std::string& address) = 0;
  virtual std::vector<BoundThreepid> threepids(const std::string& user_id) = 0;
};

}  // namespace hs::email
