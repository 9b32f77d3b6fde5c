#pragma once
// PostgreSQL store of inbound federation transactions (federation_inbound_txns) and of EDUs
// kept as they arrived (federation_inbound_edus), migration 0022.
#include "db/pool.h"
#include "federation/inbound/inbound_store.h"

namespace hs::db {

class PgFederationInboundStore final : public fed::InboundStore {
 public:
  explicit PgFederationInboundStore(Pool& pool) : pool_(pool) {}
  std::optional<SeenTransaction> findTransaction(const std::string& origin, const std::string& txn_id) override;
  void recordTransaction(const std::string& origin, const std::string& txn_id, const std::string& body_hash,
                         const std::string& response) override;
  bool keepEdu(const std::string& origin, const std::string& edu_type, const std::string& user_id,
               const std::string& dedupe_key, const std::string& content) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
