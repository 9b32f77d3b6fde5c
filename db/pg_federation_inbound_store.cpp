#include "db/pg_federation_inbound_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"

namespace hs::db {

namespace {
constexpr const char* kNowMs = "(extract(epoch FROM clock_timestamp()) * 1000)::BIGINT";
constexpr const char* kFind =
    "SELECT body_sha256, response FROM federation_inbound_txns WHERE origin = $1 AND txn_id = $2";
const std::string kRecord =
    std::string("INSERT INTO federation_inbound_txns (origin, txn_id, body_sha256, response, received_ms) "
                "VALUES ($1, $2, $3, $4, ") + kNowMs + ") ON CONFLICT DO NOTHING";
const std::string kKeep =
    std::string("INSERT INTO federation_inbound_edus (origin, edu_type, user_id, dedupe_key, content, received_ms) "
                "VALUES ($1, $2, $3, $4, $5, ") + kNowMs + ") ON CONFLICT DO NOTHING";
}  // namespace

std::optional<fed::InboundStore::SeenTransaction> PgFederationInboundStore::findTransaction(
    const std::string& origin, const std::string& txn_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kFind, origin, txn_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return SeenTransaction{bytesOf(r[0][0]), r[0][1].as<std::string>()};
}

void PgFederationInboundStore::recordTransaction(const std::string& origin, const std::string& txn_id,
                                                 const std::string& body_hash, const std::string& response) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kRecord, origin, txn_id, bytes(body_hash), response);
  tx.commit();
}

bool PgFederationInboundStore::keepEdu(const std::string& origin, const std::string& edu_type,
                                       const std::string& user_id, const std::string& dedupe_key,
                                       const std::string& content) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kKeep, origin, edu_type, user_id, dedupe_key, content);
  tx.commit();
  return r.affected_rows() == 1;
}

}  // namespace hs::db
