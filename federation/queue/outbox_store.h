#pragma once
// What the sender needs from the outbound queue's storage (db/pg_outbox implements it).
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace hs::fed {

// One destination's next transaction: the pending one again (same id, same content), or
// fresh rows taken into a new one.
struct OutboundTxn {
  std::string txn_id;
  int64_t origin_server_ts = 0;
  std::vector<std::string> pdus;                           // PDU JSON, in queue order
  std::vector<std::pair<std::string, std::string>> edus;  // (edu_type, content), in queue order
};

struct DestinationState {
  std::string destination;
  int64_t queued = 0;  // rows waiting, the pending transaction's included
  int failures = 0;    // consecutive
  int64_t backoff_ms = 0;
  int64_t retry_at_ms = 0;
  std::optional<int64_t> last_success_ms;
  std::optional<int64_t> last_failure_ms;
  std::optional<std::string> last_error;
};

class OutboxStore {
 public:
  virtual ~OutboxStore() = default;
  // Takes the next transaction for `destination` (at most max_pdus/max_edus); nullopt when
  // nothing is queued. Stale droppable EDUs are deleted on the way.
  virtual std::optional<OutboundTxn> takeTransaction(const std::string& destination, size_t max_pdus,
                                                     size_t max_edus) = 0;
  // The destination answered 200: the transaction's rows are gone, its failures forgotten;
  // then, in the same database transaction (one commit less per transaction while draining),
  // the next transaction is taken as takeTransaction() would.
  virtual std::optional<OutboundTxn> acknowledgeAndTakeNext(const std::string& destination,
                                                            const std::string& txn_id, size_t max_pdus,
                                                            size_t max_edus) = 0;
  // It failed: the retry schedule is stored (it survives restarts).
  virtual void recordFailure(const std::string& destination, int64_t backoff_ms, const std::string& error) = 0;
  // Forgets the backoff of a destination that is back; false when it had none.
  virtual bool resetBackoff(const std::string& destination) = 0;
  virtual std::vector<DestinationState> destinationsWithWork() = 0;
  virtual std::vector<DestinationState> allDestinations() = 0;
};

}  // namespace hs::fed
