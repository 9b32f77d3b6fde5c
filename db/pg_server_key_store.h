#pragma once
// PostgreSQL store of other servers' keys (tables server_key_responses and server_keys).
#include "db/pool.h"
#include "federation/keys/key_store.h"

namespace hs::db {

class PgServerKeyStore final : public fed::ServerKeyStore {
 public:
  explicit PgServerKeyStore(Pool& pool) : pool_(pool) {}
  std::optional<fed::ServerKeys> get(const std::string& server_name) override;
  void put(const fed::ServerKeys& keys) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
