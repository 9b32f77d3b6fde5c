#pragma once
// PostgreSQL implementation of the key backup service's store.
#include "db/pool.h"
#include "homeserver/services/e2ee/backup_store.h"

namespace hs::db {

class PgE2eeBackupStore final : public e2ee::BackupStore {
 public:
  explicit PgE2eeBackupStore(Pool& pool) : pool_(pool) {}

  int64_t createVersion(const std::string& user_id, const std::string& algorithm,
                        const std::string& auth_data) override;
  std::optional<e2ee::BackupVersion> version(const std::string& user_id, std::optional<int64_t> version) override;
  bool updateAuthData(const std::string& user_id, int64_t version, const std::string& auth_data) override;
  bool deleteVersion(const std::string& user_id, int64_t version) override;
  e2ee::BackupWrite putKeys(const std::string& user_id, int64_t version, const std::vector<e2ee::BackupKey>& keys,
                            const Replaces& replaces) override;
  std::vector<e2ee::BackupKey> keys(const std::string& user_id, int64_t version,
                                    const e2ee::BackupScope& scope) override;
  std::optional<e2ee::BackupVersion> deleteKeys(const std::string& user_id, int64_t version,
                                                const e2ee::BackupScope& scope) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
