#include "db/pg_notification_store.h"

#include <pqxx/pqxx>

#include "db/pg_room_rows.h"  // textArray
#include "db/pg_util.h"
#include "db/prepared.h"
#include "homeserver/core/json.h"

namespace hs::db {

using notifications::Notification;

namespace {
constexpr const char* kColumns =
    "id, user_id, type, title, body, related_id, room_id, event_id, stream_pos, thread_id, "
    "notify, highlight, actions, is_read, receipt_read, created_at";
// All the rows of one event in one statement (one per recipient otherwise), as a JSON array.
constexpr const char* kInsert =
    "INSERT INTO notifications (user_id, type, title, body, related_id, room_id, event_id, "
    "stream_pos, thread_id, notify, highlight, actions, is_read, receipt_read, created_at) "
    "SELECT user_id, type, title, body, related_id, room_id, event_id, stream_pos, thread_id, "
    "notify, highlight, actions, FALSE, FALSE, created_at FROM json_to_recordset($1::json) AS x("
    "user_id text, type text, title text, body text, related_id text, room_id text, event_id text, "
    "stream_pos bigint, thread_id text, notify boolean, highlight boolean, actions text, "
    "created_at bigint)";
const std::string kFeed = std::string("SELECT ") + kColumns +
    " FROM notifications WHERE user_id = $1 AND ($2::bigint IS NULL OR id < $2) "
    "AND (NOT $3 OR NOT is_read) ORDER BY id DESC LIMIT $4";
constexpr const char* kUnreadFeed =
    "SELECT count(*) FROM notifications WHERE user_id = $1 AND NOT is_read";
constexpr const char* kMarkRead =
    "UPDATE notifications SET is_read = TRUE WHERE user_id = $1 AND id = $2";
constexpr const char* kMarkAllRead =
    "UPDATE notifications SET is_read = TRUE WHERE user_id = $1 AND NOT is_read";
const std::string kPushed = std::string("SELECT ") + kColumns +
    " FROM notifications WHERE user_id = $1 AND notify AND ($2::bigint IS NULL OR id < $2) "
    "AND (NOT $3 OR highlight) ORDER BY id DESC LIMIT $4";
// An unthreaded receipt ($3 = '') covers every thread; a threaded one only its thread.
const Prepared kReceiptRead = prepared(  // on every receipt and every sent event
    "notifications_receipt_read",
    "UPDATE notifications SET receipt_read = TRUE, is_read = TRUE "
    "WHERE user_id = $1 AND room_id = $2 AND ($3 = '' OR thread_id = $3) AND stream_pos <= $4 "
    "AND NOT receipt_read");
constexpr const char* kUnreadCounts =
    "SELECT thread_id, count(*), count(*) FILTER (WHERE highlight) FROM notifications "
    "WHERE user_id = $1 AND room_id = $2 AND notify AND NOT receipt_read GROUP BY thread_id";
constexpr const char* kUnreadCountsOfRooms =
    "SELECT room_id, thread_id, count(*), count(*) FILTER (WHERE highlight) FROM notifications "
    "WHERE user_id = $1 AND room_id = ANY($2::text[]) AND notify AND NOT receipt_read "
    "GROUP BY room_id, thread_id";
constexpr const char* kTotalUnread =
    "SELECT count(*) FROM notifications WHERE user_id = $1 AND notify AND NOT receipt_read";

// Every room of one /sync response in one statement (an initial sync carries hundreds).
constexpr const char* kRecordDelivery =
    "INSERT INTO sync_deliveries (user_id, room_id, stream_pos, ts) "
    "SELECT $1, r.room_id, r.pos, $4 FROM unnest($2::text[], $3::bigint[]) AS r (room_id, pos) "
    "ON CONFLICT DO NOTHING";
constexpr const char* kDeliveredAt =
    "SELECT min(ts) FROM sync_deliveries WHERE user_id = $1 AND room_id = $2 AND stream_pos >= $3";
constexpr const char* kDeliveredUpTo =
    "SELECT user_id, max(stream_pos) FROM sync_deliveries WHERE room_id = $1 GROUP BY user_id";
// Public receipts only: m.read.private is nobody else's business.
constexpr const char* kReadReceipts =
    "SELECT r.user_id, max(e.stream_pos), max(r.ts) FROM receipts r "
    "JOIN events e ON e.event_id = r.event_id WHERE r.room_id = $1 AND r.receipt_type = 'm.read' "
    "AND r.thread_id IN ('', 'main') GROUP BY r.user_id";

Notification fromRow(const pqxx::row& r) {
  Notification n;
  n.id = r[0].as<int64_t>();
  n.user_id = r[1].as<std::string>();
  n.type = r[2].as<std::string>();
  n.title = r[3].as<std::string>();
  n.body = r[4].as<std::string>();
  n.related_id = optStr(r[5]);
  n.room_id = optStr(r[6]);
  n.event_id = optStr(r[7]);
  n.stream_pos = optI64(r[8]);
  n.thread_id = r[9].as<std::string>();
  n.notify = r[10].as<bool>();
  n.highlight = r[11].as<bool>();
  n.actions = r[12].as<std::string>();
  n.is_read = r[13].as<bool>();
  n.receipt_read = r[14].as<bool>();
  n.created_at = r[15].as<int64_t>();
  return n;
}

std::vector<Notification> rowsOf(const pqxx::result& r) {
  std::vector<Notification> out;
  for (const auto& row : r) {
    out.push_back(fromRow(row));
  }
  return out;
}
}  // namespace

void PgNotificationStore::insert(const std::vector<Notification>& rows) {
  if (rows.empty()) {
    return;
  }
  json::Writer w;
  w.startArray();
  // Titles, bodies and thread ids come from event content, which may hold NUL: see withoutNul
  // (json_to_recordset fails the whole insert, every recipient's row, on one \u0000).
  const auto text = [](const std::optional<std::string>& s) {
    return s ? std::optional(withoutNul(*s)) : std::nullopt;
  };
  for (const auto& n : rows) {
    w.startObject().key("user_id").string(n.user_id).key("type").string(n.type);
    w.key("title").string(withoutNul(n.title)).key("body").string(withoutNul(n.body));
    w.optString("related_id", text(n.related_id)).optString("room_id", text(n.room_id));
    w.optString("event_id", text(n.event_id));
    if (n.stream_pos) {
      w.key("stream_pos").integer(*n.stream_pos);
    }
    w.key("thread_id").string(withoutNul(n.thread_id)).key("notify").boolean(n.notify);
    w.key("highlight").boolean(n.highlight).key("actions").string(withoutNul(n.actions));
    w.key("created_at").integer(n.created_at).endObject();
  }
  w.endArray();
  auto lease = pool_.acquire();
  pqxx::nontransaction tx(lease.get());  // one statement: it commits on its own
  tx.exec_params(kInsert, w.take());
}

std::vector<Notification> PgNotificationStore::feed(const std::string& user,
                                                    std::optional<int64_t> before_id, size_t limit,
                                                    bool only_unread) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return rowsOf(tx.exec_params(kFeed, user, before_id, only_unread, static_cast<int64_t>(limit)));
}

int64_t PgNotificationStore::unreadFeedCount(const std::string& user) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return tx.exec_params1(kUnreadFeed, user)[0].as<int64_t>();
}

bool PgNotificationStore::markRead(const std::string& user, int64_t id) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto r = tx.exec_params(kMarkRead, user, id);
  tx.commit();
  return r.affected_rows() == 1;
}

void PgNotificationStore::markAllRead(const std::string& user) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kMarkAllRead, user);
  tx.commit();
}

std::vector<Notification> PgNotificationStore::pushed(const std::string& user,
                                                      std::optional<int64_t> before_id, size_t limit,
                                                      bool only_highlight) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return rowsOf(tx.exec_params(kPushed, user, before_id, only_highlight, static_cast<int64_t>(limit)));
}

void PgNotificationStore::markReceiptRead(const std::string& user, const std::string& room_id,
                                          const std::string& thread_id, int64_t up_to_pos) {
  auto lease = pool_.acquire();
  pqxx::nontransaction tx(lease.get());  // one statement: it commits on its own
  tx.exec_prepared(kReceiptRead.name, user, room_id, thread_id, up_to_pos);
}

std::map<std::string, notifications::Counts> PgNotificationStore::unreadCounts(
    const std::string& user, const std::string& room_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::map<std::string, notifications::Counts> out;
  for (const auto& row : tx.exec_params(kUnreadCounts, user, room_id)) {
    out[row[0].as<std::string>()] = {row[1].as<int64_t>(), row[2].as<int64_t>()};
  }
  return out;
}

std::map<std::string, std::map<std::string, notifications::Counts>>
PgNotificationStore::unreadCountsOfRooms(const std::string& user, const std::vector<std::string>& room_ids) {
  std::map<std::string, std::map<std::string, notifications::Counts>> out;
  if (room_ids.empty()) {
    return out;
  }
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  for (const auto& row : tx.exec_params(kUnreadCountsOfRooms, user, textArray(tx, room_ids))) {
    out[row[0].as<std::string>()][row[1].as<std::string>()] = {row[2].as<int64_t>(), row[3].as<int64_t>()};
  }
  return out;
}

int64_t PgNotificationStore::totalUnread(const std::string& user) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return tx.exec_params1(kTotalUnread, user)[0].as<int64_t>();
}

void PgDeliveryStore::recordDelivery(const std::string& user,
                                     const std::vector<std::pair<std::string, int64_t>>& rooms,
                                     int64_t ts) {
  if (rooms.empty()) {
    return;
  }
  std::vector<std::string> room_ids;
  std::string positions = "{";
  for (const auto& [room_id, pos] : rooms) {
    positions += (room_ids.empty() ? "" : ",") + std::to_string(pos);
    room_ids.push_back(room_id);
  }
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  // A delivery record is a status hint written on every /sync that carries events: losing the
  // last few to a crash is harmless, waiting for the WAL flush (ms) on each sync is not.
  tx.exec("SET LOCAL synchronous_commit TO OFF");
  tx.exec_params(kRecordDelivery, user, textArray(tx, room_ids), positions + "}", ts);
  tx.commit();
}

std::optional<int64_t> PgDeliveryStore::deliveredAt(const std::string& user, const std::string& room_id,
                                                    int64_t stream_pos) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return optI64(tx.exec_params1(kDeliveredAt, user, room_id, stream_pos)[0]);
}

std::map<std::string, int64_t> PgDeliveryStore::deliveredUpTo(const std::string& room_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::map<std::string, int64_t> out;
  for (const auto& row : tx.exec_params(kDeliveredUpTo, room_id)) {
    out[row[0].as<std::string>()] = row[1].as<int64_t>();
  }
  return out;
}

std::map<std::string, notifications::ReceiptPosition> PgDeliveryStore::readReceipts(
    const std::string& room_id) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::map<std::string, notifications::ReceiptPosition> out;
  for (const auto& row : tx.exec_params(kReadReceipts, room_id)) {
    out[row[0].as<std::string>()] = {row[1].as<int64_t>(), row[2].as<int64_t>()};
  }
  return out;
}

}  // namespace hs::db
