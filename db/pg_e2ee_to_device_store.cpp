#include "db/pg_e2ee_to_device_store.h"

#include <pqxx/pqxx>

#include "db/pg_outbox.h"
#include "db/pg_util.h"

namespace hs::db {

namespace {
// Fails (no row) when the sending device is gone; conflicts when the txn id was used.
constexpr const char* kRecordTxn =
    "INSERT INTO to_device_txns (user_id, device_id, txn_id) "
    "SELECT user_id, device_id, $3 FROM devices WHERE user_id = $1 AND device_id = $2 "
    "ON CONFLICT DO NOTHING";
constexpr const char* kRecordRemote =
    "INSERT INTO federation_to_device_ids (sender, message_id, received_ms) "
    "VALUES ($1, $2, (extract(epoch FROM clock_timestamp()) * 1000)::BIGINT) ON CONFLICT DO NOTHING";
constexpr const char* kAllDevices =
    "SELECT device_id FROM devices WHERE user_id = $1 ORDER BY device_id FOR KEY SHARE";
constexpr const char* kOneDevice =
    "SELECT device_id FROM devices WHERE user_id = $1 AND device_id = $2 FOR KEY SHARE";
constexpr const char* kInsert =
    "INSERT INTO to_device_messages (stream_pos, user_id, device_id, sender, type, content) "
    "VALUES ($1, $2, $3, $4, $5, $6)";
// Keeps the highest acknowledged position (see to_device_acks in 0005_e2ee.sql).
constexpr const char* kAcknowledge =
    "WITH gone AS (DELETE FROM to_device_messages WHERE user_id = $1 AND device_id = $2 "
    "  AND stream_pos <= $3 RETURNING stream_pos) "
    "INSERT INTO to_device_acks (user_id, device_id, stream_pos) "
    "SELECT $1, $2, max(stream_pos) FROM gone HAVING count(*) > 0 "
    "ON CONFLICT (user_id, device_id) DO UPDATE SET "
    "stream_pos = GREATEST(to_device_acks.stream_pos, EXCLUDED.stream_pos)";
constexpr const char* kPending =
    "SELECT sender, type, content, stream_pos FROM to_device_messages "
    "WHERE user_id = $1 AND device_id = $2 AND stream_pos <= $3 ORDER BY stream_pos LIMIT $4";

// One row per target device.
void insertToDevice(pqxx::transaction_base& tx, const std::string& sender, const std::string& type,
                    const std::vector<e2ee::OutgoingMessage>& messages,
                    const std::function<int64_t()>& next_position) {
  for (const auto& m : messages) {
    // Locking the target devices keeps a concurrent deletion from racing the inserts.
    const auto devices = m.device_id == "*" ? tx.exec_params(kAllDevices, m.user_id)
                                            : tx.exec_params(kOneDevice, m.user_id, m.device_id);
    for (const auto& row : devices) {
      tx.exec_params(kInsert, next_position(), m.user_id, row[0].as<std::string>(), sender, type, m.content);
    }
  }
}

}  // namespace

bool PgE2eeToDeviceStore::enqueue(const std::string& sender, const std::string& sender_device,
                                  const std::string& txn_id, const std::string& type,
                                  const std::vector<e2ee::OutgoingMessage>& messages,
                                  const std::vector<outbound::Edu>& edus,
                                  const std::function<int64_t()>& next_position) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  if (tx.exec_params(kRecordTxn, sender, sender_device, txn_id).affected_rows() == 0) {
    return false;
  }
  insertToDevice(tx, sender, type, messages, next_position);
  enqueueEdus(tx, edus);
  tx.commit();
  return true;
}

bool PgE2eeToDeviceStore::enqueueRemote(const std::string& sender, const std::string& message_id,
                                        const std::string& type, const std::vector<e2ee::OutgoingMessage>& messages,
                                        const std::function<int64_t()>& next_position) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  if (tx.exec_params(kRecordRemote, sender, message_id).affected_rows() == 0) {
    return false;  // delivered before (a retried transaction)
  }
  insertToDevice(tx, sender, type, messages, next_position);
  tx.commit();
  return true;
}

void PgE2eeToDeviceStore::acknowledge(const std::string& user_id, const std::string& device_id,
                                      int64_t up_to) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kAcknowledge, user_id, device_id, up_to);
  tx.commit();
}

std::vector<e2ee::QueuedMessage> PgE2eeToDeviceStore::pending(const std::string& user_id,
                                                              const std::string& device_id,
                                                              int64_t up_to, size_t limit) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<e2ee::QueuedMessage> out;
  for (const auto& row : tx.exec_params(kPending, user_id, device_id, up_to, static_cast<int64_t>(limit))) {
    out.push_back(e2ee::QueuedMessage{row[0].as<std::string>(), row[1].as<std::string>(),
                                      row[2].as<std::string>(), row[3].as<int64_t>()});
  }
  return out;
}

}  // namespace hs::db
