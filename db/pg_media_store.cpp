#include "db/pg_media_store.h"

#include <pqxx/pqxx>

#include "db/pg_util.h"

namespace hs::db {

using media::ContentInfo;
using media::FillResult;
using media::MediaKey;
using media::MediaRecord;

namespace {
constexpr const char* kInsert =
    "INSERT INTO media (origin, media_id, uploader, content_type, file_type, upload_name, size, "
    "sha256, md5, created_at, uploaded_at, unused_expires_at, quarantined, authenticated_only) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)";
constexpr const char* kCountPending =
    "SELECT count(*) FROM media WHERE uploader = $1 AND uploaded_at IS NULL "
    "AND unused_expires_at > $2";
// The WHERE clause is the whole rule: only the uploader, only once, only before expiry.
constexpr const char* kFill =
    "UPDATE media SET content_type = $4, file_type = $5, upload_name = $6, size = $7, "
    "sha256 = $8, md5 = $9, uploaded_at = $10, unused_expires_at = NULL "
    "WHERE origin = $1 AND media_id = $2 AND uploader = $3 AND uploaded_at IS NULL "
    "AND unused_expires_at > $10";
constexpr const char* kFillFailure =
    "SELECT uploader, uploaded_at IS NOT NULL FROM media WHERE origin = $1 AND media_id = $2";
constexpr const char* kFind =
    "SELECT origin, media_id, uploader, content_type, file_type, upload_name, size, sha256, md5, "
    "created_at, unused_expires_at, quarantined, authenticated_only "
    "FROM media WHERE origin = $1 AND media_id = $2";
constexpr const char* kLink =
    "INSERT INTO media_event_refs (origin, media_id, event_id, room_id, field) "
    "SELECT $1, $2, $3, $4, $5 WHERE EXISTS "
    "(SELECT 1 FROM media WHERE origin = $1 AND media_id = $2) ON CONFLICT DO NOTHING";
constexpr const char* kEventsReferencing =
    "SELECT event_id, room_id, field FROM media_event_refs WHERE origin = $1 AND media_id = $2 "
    "ORDER BY event_id, field";

MediaRecord fromRow(const pqxx::row& r) {
  MediaRecord m;
  m.key = MediaKey{r[0].as<std::string>(), r[1].as<std::string>()};
  m.uploader = optStr(r[2]);
  if (!r[7].is_null()) {
    m.content = ContentInfo{r[3].as<std::string>(), r[4].as<std::string>(), optStr(r[5]),
                            r[6].as<int64_t>(),     r[7].as<std::string>(), r[8].as<std::string>()};
  }
  m.created_at = r[9].as<int64_t>();
  m.unused_expires_at = optI64(r[10]);
  m.quarantined = r[11].as<bool>();
  m.authenticated_only = r[12].as<bool>();
  return m;
}
}  // namespace

void PgMediaStore::insertUploaded(const MediaRecord& m) {
  const ContentInfo& c = m.content.value();
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kInsert, m.key.origin, m.key.media_id, m.uploader, c.content_type, c.file_type,
                 c.upload_name, c.size, c.sha256, c.md5, m.created_at, m.created_at,
                 std::optional<int64_t>{}, m.quarantined, m.authenticated_only);
  tx.commit();
}

void PgMediaStore::insertReservation(const MediaRecord& m) {
  const std::optional<std::string> none;
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  tx.exec_params(kInsert, m.key.origin, m.key.media_id, m.uploader, none, none, none,
                 std::optional<int64_t>{}, none, none, m.created_at, std::optional<int64_t>{},
                 m.unused_expires_at, m.quarantined, m.authenticated_only);
  tx.commit();
}

int PgMediaStore::countPending(const std::string& uploader, int64_t now_ms) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  return tx.exec_params1(kCountPending, uploader, now_ms)[0].as<int>();
}

FillResult PgMediaStore::fillReservation(const MediaKey& key, const std::string& uploader,
                                         const ContentInfo& c, int64_t now_ms) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  const auto updated = tx.exec_params(kFill, key.origin, key.media_id, uploader, c.content_type,
                                      c.file_type, c.upload_name, c.size, c.sha256, c.md5, now_ms);
  if (updated.affected_rows() == 1) {
    tx.commit();
    return FillResult::Filled;
  }
  const auto why = tx.exec_params(kFillFailure, key.origin, key.media_id);
  if (why.empty()) {
    return FillResult::NotFound;
  }
  if (optStr(why[0][0]) != uploader) {
    return FillResult::NotOwner;
  }
  return why[0][1].as<bool>() ? FillResult::AlreadyUploaded : FillResult::Expired;
}

std::optional<MediaRecord> PgMediaStore::find(const MediaKey& key) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  const auto r = tx.exec_params(kFind, key.origin, key.media_id);
  if (r.empty()) {
    return std::nullopt;
  }
  return fromRow(r[0]);
}

void PgMediaStore::linkEvent(const std::string& event_id, const std::string& room_id,
                             const std::vector<media::MediaRef>& refs) {
  auto lease = pool_.acquire();
  pqxx::work tx(lease.get());
  for (const auto& ref : refs) {
    tx.exec_params(kLink, ref.key.origin, ref.key.media_id, event_id, room_id, ref.field);
  }
  tx.commit();
}

std::vector<media::EventRef> PgMediaStore::eventsReferencing(const MediaKey& key) {
  auto lease = pool_.acquire();
  ReadTx tx(lease.get());
  std::vector<media::EventRef> out;
  for (const auto& row : tx.exec_params(kEventsReferencing, key.origin, key.media_id)) {
    out.push_back({row[0].as<std::string>(), row[1].as<std::string>(), row[2].as<std::string>()});
  }
  return out;
}

}  // namespace hs::db
