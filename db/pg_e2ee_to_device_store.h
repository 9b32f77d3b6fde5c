#pragma once
// PostgreSQL implementation of the to-device service's store: per-device inboxes and the
// senders' transaction ids.
#include "db/pool.h"
#include "homeserver/services/e2ee/to_device_store.h"

namespace hs::db {

class PgE2eeToDeviceStore final : public e2ee::ToDeviceStore {
 public:
  explicit PgE2eeToDeviceStore(Pool& pool) : pool_(pool) {}

  bool enqueue(const std::string& sender, const std::string& sender_device, const std::string& txn_id,
               const std::string& type, const std::vector<e2ee::OutgoingMessage>& messages,
               const std::vector<outbound::Edu>& edus, const std::function<int64_t()>& next_position) override;
  bool enqueueRemote(const std::string& sender, const std::string& message_id, const std::string& type,
                     const std::vector<e2ee::OutgoingMessage>& messages,
                     const std::function<int64_t()>& next_position) override;
  void acknowledge(const std::string& user_id, const std::string& device_id, int64_t up_to) override;
  std::vector<e2ee::QueuedMessage> pending(const std::string& user_id, const std::string& device_id,
                                           int64_t up_to, size_t limit) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
