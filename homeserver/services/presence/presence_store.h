#pragma once
// What the presence service needs from storage. db/pg_presence_store implements it.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/services/federation/outbound.h"

namespace hs::presence {

struct PresenceRecord {
  std::string user_id;
  std::string state = "offline";  // "online", "unavailable" or "offline"
  std::optional<std::string> status_msg;
  std::optional<int64_t> last_active_ts;  // ms since the epoch; nullopt: never seen active
  int64_t stream_pos = 0;
};

class PresenceStore {
 public:
  virtual ~PresenceStore() = default;
  virtual std::optional<PresenceRecord> get(const std::string& user_id) = 0;
  // Inserts or replaces the user's row, stream_pos included, in one transaction.
  // `edus` (m.presence for other servers) are queued in the same transaction.
  virtual void put(const PresenceRecord& record, const std::vector<outbound::Edu>& edus) = 0;
  // Every user's latest presence written in (from_exclusive, to_inclusive], in stream order.
  virtual std::vector<PresenceRecord> changedSince(int64_t from_exclusive, int64_t to_inclusive) = 0;
};

}  // namespace hs::presence
