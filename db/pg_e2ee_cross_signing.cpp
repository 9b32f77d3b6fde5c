// PgE2eeKeyStore: cross-signing keys and uploaded signatures.
#include <pqxx/pqxx>

#include "db/pg_util.h"

#include "db/pg_e2ee_key_store.h"
#include "db/pg_e2ee_rows.h"
#include "db/pg_room_rows.h"

namespace hs::db {

namespace {
constexpr const char* kCrossSigningKeys =
    "SELECT key_type, public_key, key_json FROM e2e_cross_signing_keys WHERE user_id = $1 "
    "ORDER BY key_type";
constexpr const char* kPutCrossSigningKey =
    "INSERT INTO e2e_cross_signing_keys (user_id, key_type, public_key, key_json) "
    "VALUES ($1, $2, $3, $4) ON CONFLICT (user_id, key_type) DO UPDATE SET "
    "public_key = EXCLUDED.public_key, key_json = EXCLUDED.key_json";
constexpr const char* kPutSignature =
    "INSERT INTO e2e_signatures (target_user, target_key, signer_user, signer_key_id, signature) "
    "VALUES ($1, $2, $3, $4, $5) ON CONFLICT (target_user, target_key, signer_user, signer_key_id) "
    "DO UPDATE SET signature = EXCLUDED.signature";
constexpr const char* kSignaturesOf =
    "SELECT target_key, signer_user, signer_key_id, signature FROM e2e_signatures "
    "WHERE target_user = $1 AND signer_user = ANY($2::text[]) "
    "ORDER BY target_key, signer_user, signer_key_id";
constexpr const char* kDeviceExists = "SELECT 1 FROM devices WHERE user_id = $1 AND device_id = $2";
}  // namespace

std::vector<e2ee::CrossSigningKey> PgE2eeKeyStore::crossSigningKeys(const std::string& user_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<e2ee::CrossSigningKey> out;
  for (const auto& row : tx.exec_params(kCrossSigningKeys, user_id)) {
    out.push_back(e2ee::CrossSigningKey{row[0].as<std::string>(), row[1].as<std::string>(),
                                        row[2].as<std::string>()});
  }
  return out;
}

void PgE2eeKeyStore::putCrossSigningKeys(const std::string& user_id,
                                         const std::vector<e2ee::CrossSigningKey>& keys,
                                         const e2ee::DeviceListChange& change) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  for (const auto& k : keys) {
    tx.exec_params(kPutCrossSigningKey, user_id, k.key_type, k.public_key, k.key_json);
  }
  insertChanges(tx, {change});
  tx.commit();
}

void PgE2eeKeyStore::addSignatures(const std::vector<e2ee::Signature>& signatures,
                                   const std::vector<e2ee::DeviceListChange>& changes) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  for (const auto& s : signatures) {
    tx.exec_params(kPutSignature, s.target_user, s.target_key, s.signer_user, s.signer_key_id, s.signature);
  }
  insertChanges(tx, changes);
  tx.commit();
}

std::vector<e2ee::Signature> PgE2eeKeyStore::signaturesOf(const std::string& target_user,
                                                          const std::vector<std::string>& signers) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<e2ee::Signature> out;
  for (const auto& row : tx.exec_params(kSignaturesOf, target_user, textArray(tx, signers))) {
    out.push_back(e2ee::Signature{target_user, row[0].as<std::string>(), row[1].as<std::string>(),
                                  row[2].as<std::string>(), row[3].as<std::string>()});
  }
  return out;
}

bool PgE2eeKeyStore::deviceExists(const std::string& user_id, const std::string& device_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return !tx.exec_params(kDeviceExists, user_id, device_id).empty();
}

}  // namespace hs::db
