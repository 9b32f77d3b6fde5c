#pragma once
// PostgreSQL implementation of the email verification store (tables threepid_sessions and
// user_threepids).
#include "db/pool.h"
#include "homeserver/services/email/threepid_store.h"

namespace hs::db {

class PgThreepidStore final : public email::ThreepidStore {
 public:
  explicit PgThreepidStore(Pool& pool) : pool_(pool) {}
  std::optional<email::ThreepidSession> sessionFor(const std::string& client_secret,
                                                   const std::string& address,
                                                   const std::string& purpose) override;
  std::optional<email::ThreepidSession> session(const std::string& sid) override;
  void saveSession(const email::ThreepidSession& s) override;
  int recordFailure(const std::string& sid) override;
  void markValidated(const std::string& sid, int64_t now) override;
  void setUiaSession(const std::string& sid, const std::string& uia_session) override;
  std::optional<email::ThreepidSession> sessionOfUia(const std::string& uia_session) override;
  bool bind(const email::BoundThreepid& t) override;
  bool unbind(const std::string& user_id, const std::string& medium, const std::string& address) override;
  std::optional<std::string> userOf(const std::string& medium, const std::string& address) override;
  std::vector<email::BoundThreepid> threepids(const std::string& user_id) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
