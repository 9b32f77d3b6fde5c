#pragma once
#include "db/pool.h"
#include "homeserver/services/openid/openid_service.h"

namespace hs::db {

class PgOpenIdStore final : public openid::OpenIdStore {
 public:
  explicit PgOpenIdStore(Pool& pool) : pool_(pool) {}
  void insert(const std::string& token_hash, const std::string& user_id, int64_t expires_at,
              int64_t now) override;
  std::optional<std::string> userOf(const std::string& token_hash, int64_t now) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
