#pragma once
// PostgreSQL implementation of the key services' store. Device keys, one-time and fallback
// keys are in pg_e2ee_key_store.cpp, cross-signing in pg_e2ee_cross_signing.cpp, the
// device-list stream in pg_e2ee_device_lists.cpp.
#include "db/pool.h"
#include "homeserver/services/e2ee/key_store.h"

namespace hs::db {

class PgE2eeKeyStore final : public e2ee::KeyStore {
 public:
  explicit PgE2eeKeyStore(Pool& pool) : pool_(pool) {}

  std::optional<std::string> deviceKeys(const std::string& user_id, const std::string& device_id) override;
  bool putDeviceKeys(const std::string& user_id, const std::string& device_id, const std::string& key_json,
                     const e2ee::DeviceListChange& change) override;
  std::vector<e2ee::DeviceKeys> queryDeviceKeys(const std::string& user_id,
                                                const std::vector<std::string>& device_ids) override;
  std::optional<std::string> addOneTimeKeys(const std::string& user_id, const std::string& device_id,
                                            const std::vector<e2ee::OneTimeKey>& keys) override;
  std::map<std::string, int64_t> oneTimeKeyCounts(const std::string& user_id,
                                                  const std::string& device_id) override;
  void putFallbackKeys(const std::string& user_id, const std::string& device_id,
                       const std::vector<e2ee::OneTimeKey>& keys) override;
  std::vector<std::string> unusedFallbackKeyTypes(const std::string& user_id,
                                                  const std::string& device_id) override;
  std::optional<e2ee::OneTimeKey> claimKey(const std::string& user_id, const std::string& device_id,
                                           const std::string& algorithm) override;

  std::vector<e2ee::CrossSigningKey> crossSigningKeys(const std::string& user_id) override;
  void putCrossSigningKeys(const std::string& user_id, const std::vector<e2ee::CrossSigningKey>& keys,
                           const e2ee::DeviceListChange& change) override;
  void addSignatures(const std::vector<e2ee::Signature>& signatures,
                     const std::vector<e2ee::DeviceListChange>& changes) override;
  std::vector<e2ee::Signature> signaturesOf(const std::string& target_user,
                                            const std::vector<std::string>& signers) override;
  bool deviceExists(const std::string& user_id, const std::string& device_id) override;

  void recordChanges(const std::vector<e2ee::DeviceListChange>& changes) override;
  std::optional<int64_t> latestChange(const std::string& user_id) override;
  std::vector<std::string> changedUsers(const std::string& user_id, int64_t from_excl, int64_t to_incl) override;
  std::vector<std::string> leftUsers(const std::string& user_id, int64_t from_excl, int64_t to_incl) override;
  std::vector<std::string> usersSharingRoom(const std::string& user_id) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
