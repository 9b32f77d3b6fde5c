#include "db/pg_outbox.h"

#include <algorithm>
#include <tuple>

#include "db/pg_util.h"

namespace hs::db {

namespace {
constexpr const char* kEnsureDestination =
    "INSERT INTO federation_destinations (destination) VALUES ($1) ON CONFLICT DO NOTHING";
constexpr const char* kInsert =
    "INSERT INTO federation_outbox (destination, is_pdu, edu_type, content, droppable_after_ms) "
    "VALUES ($1, $2, $3, $4, $5)";
constexpr const char* kNotify = "SELECT pg_notify($1, $2)";
constexpr const char* kLockDestination =
    "SELECT pending_txn_id, pending_txn_ts, next_txn_seq FROM federation_destinations "
    "WHERE destination = $1 FOR UPDATE";
constexpr const char* kPendingRows =
    "SELECT id, is_pdu, edu_type, content FROM federation_outbox WHERE destination = $1 AND txn_id = $2 "
    "ORDER BY id";
constexpr const char* kDropStale =
    "DELETE FROM federation_outbox WHERE destination = $1 AND txn_id IS NULL AND droppable_after_ms < $2";
// The ids come first (each LIMIT on the queue index), then the update finds them by primary
// key: a join of the whole table against them planned as a scan of every queued row, 12 ms per
// transaction with 20,000 queued instead of 1.
constexpr const char* kTakeRows =
    "UPDATE federation_outbox SET txn_id = $4 WHERE id = ANY(ARRAY("
    "  (SELECT id FROM federation_outbox WHERE destination = $1 AND txn_id IS NULL AND is_pdu = TRUE "
    "   ORDER BY id LIMIT $2) "
    "  UNION ALL "
    "  (SELECT id FROM federation_outbox WHERE destination = $1 AND txn_id IS NULL AND is_pdu = FALSE "
    "   ORDER BY id LIMIT $3))) "
    "RETURNING id, is_pdu, edu_type, content";
constexpr const char* kSetPending =
    "UPDATE federation_destinations SET pending_txn_id = $2, pending_txn_ts = $3, "
    "next_txn_seq = next_txn_seq + 1 WHERE destination = $1";
constexpr const char* kClearPending =
    "UPDATE federation_destinations SET pending_txn_id = NULL, pending_txn_ts = NULL WHERE destination = $1";
constexpr const char* kDeleteTxn = "DELETE FROM federation_outbox WHERE destination = $1 AND txn_id = $2";
constexpr const char* kAcknowledged =
    "UPDATE federation_destinations SET pending_txn_id = NULL, pending_txn_ts = NULL, failures = 0, "
    "backoff_ms = 0, retry_at_ms = 0, last_success_ms = $3 WHERE destination = $1 AND pending_txn_id = $2";
constexpr const char* kFailed =
    "UPDATE federation_destinations SET failures = failures + 1, backoff_ms = $2, retry_at_ms = $3, "
    "last_failure_ms = $4, last_error = $5 WHERE destination = $1";
constexpr const char* kResetBackoff =
    "UPDATE federation_destinations SET failures = 0, backoff_ms = 0, retry_at_ms = 0 "
    "WHERE destination = $1 AND failures > 0";
constexpr const char* kWithWork =
    "SELECT d.destination, count(o.id), d.failures, d.backoff_ms, d.retry_at_ms, d.last_success_ms, "
    "d.last_failure_ms, d.last_error FROM federation_destinations d "
    "JOIN federation_outbox o ON o.destination = d.destination GROUP BY d.destination";
constexpr const char* kAll =
    "SELECT d.destination, count(o.id), d.failures, d.backoff_ms, d.retry_at_ms, d.last_success_ms, "
    "d.last_failure_ms, d.last_error FROM federation_destinations d "
    "LEFT JOIN federation_outbox o ON o.destination = d.destination GROUP BY d.destination "
    "ORDER BY d.destination";

using Row = std::tuple<int64_t, bool, std::string, std::string>;  // id, is_pdu, edu_type, content

void fill(OutboundTxn& txn, std::vector<Row> rows) {
  std::sort(rows.begin(), rows.end());
  for (auto& [id, is_pdu, type, content] : rows) {
    if (is_pdu) {
      txn.pdus.push_back(std::move(content));
    } else {
      txn.edus.emplace_back(std::move(type), std::move(content));
    }
  }
}

std::vector<Row> rowsOf(const pqxx::result& r) {
  std::vector<Row> rows;
  for (const auto& row : r) {
    rows.emplace_back(row[0].as<int64_t>(), row[1].as<bool>(), optStr(row[2]).value_or(""), row[3].as<std::string>());
  }
  return rows;
}

std::vector<DestinationState> statesOf(const pqxx::result& r) {
  std::vector<DestinationState> out;
  for (const auto& row : r) {
    out.push_back(DestinationState{row[0].as<std::string>(), row[1].as<int64_t>(), row[2].as<int>(),
                                   row[3].as<int64_t>(), row[4].as<int64_t>(), optI64(row[5]), optI64(row[6]),
                                   optStr(row[7])});
  }
  return out;
}

// One row per destination; the NOTIFY reaches the sender when (and only if) the caller commits.
void insert(pqxx::transaction_base& tx, const std::vector<std::string>& destinations, bool is_pdu,
            const std::optional<std::string>& edu_type, const std::string& content,
            const std::optional<int64_t>& droppable_after_ms) {
  for (const auto& d : destinations) {
    tx.exec_params(kEnsureDestination, d);
    tx.exec_params(kInsert, d, is_pdu, edu_type, content, droppable_after_ms);
    tx.exec_params(kNotify, kOutboxChannel, d);
  }
}
}  // namespace

void enqueueEdus(pqxx::transaction_base& tx, const std::vector<outbound::Edu>& edus) {
  for (const auto& e : edus) {
    insert(tx, e.destinations, false, e.edu_type, e.content, e.droppable_after_ms);
  }
}

void enqueuePdus(pqxx::transaction_base& tx, const std::vector<outbound::Pdu>& pdus) {
  for (const auto& p : pdus) {
    insert(tx, p.destinations, true, std::nullopt, p.pdu_json, std::nullopt);
  }
}

void PgOutbox::enqueue(const std::vector<outbound::Edu>& edus) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  enqueueEdus(tx, edus);
  tx.commit();
}

void PgOutbox::enqueuePdus(const std::vector<outbound::Pdu>& pdus) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  db::enqueuePdus(tx, pdus);
  tx.commit();
}

namespace {
// takeTransaction() inside the caller's transaction, which it leaves to the caller to commit.
std::optional<OutboundTxn> takeIn(pqxx::work& tx, const std::string& destination, size_t max_pdus, size_t max_edus,
                                  int64_t now) {
  const auto head = tx.exec_params(kLockDestination, destination);
  if (head.empty()) {
    return std::nullopt;
  }
  OutboundTxn txn;
  if (const auto pending = optStr(head[0][0])) {
    txn.txn_id = *pending;
    txn.origin_server_ts = head[0][1].as<int64_t>();
    fill(txn, rowsOf(tx.exec_params(kPendingRows, destination, *pending)));
    if (!txn.pdus.empty() || !txn.edus.empty()) {
      return txn;
    }
    tx.exec_params(kClearPending, destination);  // an empty pending transaction: start afresh
  }
  tx.exec_params(kDropStale, destination, now);
  // The time keeps ids unique even if this database is ever recreated from scratch.
  txn.txn_id = std::to_string(now) + "_" + std::to_string(head[0][2].as<int64_t>());
  txn.origin_server_ts = now;
  fill(txn, rowsOf(tx.exec_params(kTakeRows, destination, static_cast<int64_t>(max_pdus),
                                  static_cast<int64_t>(max_edus), txn.txn_id)));
  if (txn.pdus.empty() && txn.edus.empty()) {
    return std::nullopt;
  }
  tx.exec_params(kSetPending, destination, txn.txn_id, txn.origin_server_ts);
  return txn;
}
}  // namespace

std::optional<OutboundTxn> PgOutbox::takeTransaction(const std::string& destination, size_t max_pdus,
                                                     size_t max_edus) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  auto txn = takeIn(tx, destination, max_pdus, max_edus, now_ms_());
  tx.commit();
  return txn;
}

std::optional<OutboundTxn> PgOutbox::acknowledgeAndTakeNext(const std::string& destination,
                                                            const std::string& txn_id, size_t max_pdus,
                                                            size_t max_edus) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const int64_t now = now_ms_();
  tx.exec_params(kDeleteTxn, destination, txn_id);
  tx.exec_params(kAcknowledged, destination, txn_id, now);
  auto next = takeIn(tx, destination, max_pdus, max_edus, now);
  tx.commit();
  return next;
}

void PgOutbox::recordFailure(const std::string& destination, int64_t backoff_ms, const std::string& error) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const int64_t now = now_ms_();
  tx.exec_params(kFailed, destination, backoff_ms, now + backoff_ms, now, error.substr(0, 500));
  tx.commit();
}

bool PgOutbox::resetBackoff(const std::string& destination) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kResetBackoff, destination);
  tx.commit();
  return r.affected_rows() > 0;
}

std::vector<DestinationState> PgOutbox::destinationsWithWork() {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return statesOf(tx.exec(kWithWork));
}

std::vector<DestinationState> PgOutbox::allDestinations() {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return statesOf(tx.exec(kAll));
}

}  // namespace hs::db
