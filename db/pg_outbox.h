#pragma once
// The outbound federation queue in PostgreSQL (tables federation_outbox and
// federation_destinations, migration 0021).
//
// enqueue*() write inside the caller's own transaction, so a change and what it sends commit
// together (the room pipeline calls them from its writer's transaction). Each also NOTIFYs
// channel `parley_outbox` with the destination; PostgreSQL delivers that only at commit, which
// is when the sender may see the rows. PgOutbox is the sender's side and the standalone form.
#include <cstdint>
#include <functional>
#include <optional>
#include <pqxx/pqxx>
#include <string>
#include <vector>

#include "db/pool.h"
#include "federation/queue/outbox_store.h"
#include "homeserver/services/federation/outbound.h"

namespace hs::db {

constexpr const char* kOutboxChannel = "parley_outbox";

void enqueueEdus(pqxx::transaction_base& tx, const std::vector<outbound::Edu>& edus);
void enqueuePdus(pqxx::transaction_base& tx, const std::vector<outbound::Pdu>& pdus);

using fed::DestinationState;
using fed::OutboundTxn;

class PgOutbox final : public outbound::Outbox, public fed::OutboxStore {
 public:
  PgOutbox(Pool& pool, std::function<int64_t()> now_ms) : pool_(pool), now_ms_(std::move(now_ms)) {}

  void enqueue(const std::vector<outbound::Edu>& edus) override;
  void enqueuePdus(const std::vector<outbound::Pdu>& pdus) override;

  std::optional<OutboundTxn> takeTransaction(const std::string& destination, size_t max_pdus,
                                             size_t max_edus) override;
  std::optional<OutboundTxn> acknowledgeAndTakeNext(const std::string& destination, const std::string& txn_id,
                                                    size_t max_pdus, size_t max_edus) override;
  void recordFailure(const std::string& destination, int64_t backoff_ms, const std::string& error) override;
  bool resetBackoff(const std::string& destination) override;
  std::vector<DestinationState> destinationsWithWork() override;
  std::vector<DestinationState> allDestinations() override;

 private:
  Pool& pool_;
  std::function<int64_t()> now_ms_;
};

}  // namespace hs::db
