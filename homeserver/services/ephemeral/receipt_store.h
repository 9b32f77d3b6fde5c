#pragma once
// Read receipts storage (db/pg_receipt_store implements it).
#include <cstdint>
#include <string>
#include <vector>

#include "homeserver/services/federation/outbound.h"

namespace hs::ephemeral {

struct Receipt {
  std::string room_id;
  std::string user_id;
  std::string receipt_type;  // m.read | m.read.private
  std::string thread_id;     // "" for unthreaded
  std::string event_id;
  int64_t ts = 0;
  int64_t stream_pos = 0;
};

class ReceiptStore {
 public:
  virtual ~ReceiptStore() = default;
  // Stores the receipt and queues `edus` for other servers in the same transaction.
  virtual void put(const Receipt& r, const std::vector<outbound::Edu>& edus) = 0;
  // Receipts of these rooms with from_excl < stream_pos <= to_incl (from 0: all).
  virtual std::vector<Receipt> between(const std::vector<std::string>& room_ids, int64_t from_excl,
                                       int64_t to_incl) = 0;
  // Messages from others after the user's latest read receipt (or since `since_pos`, their
  // joining, when they have none), per room: the unread notification counts.
  virtual std::vector<std::pair<std::string, int64_t>> unreadCounts(
      const std::string& user_id, const std::vector<std::pair<std::string, int64_t>>& rooms_since) = 0;
};

}  // namespace hs::ephemeral
