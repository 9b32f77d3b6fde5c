#pragma once
// PostgreSQL implementation of the media repository's store (tables media, media_event_refs).
#include "db/pool.h"
#include "homeserver/services/media/media_store.h"

namespace hs::db {

class PgMediaStore final : public media::MediaStore {
 public:
  explicit PgMediaStore(Pool& pool) : pool_(pool) {}

  void insertUploaded(const media::MediaRecord& record) override;
  void insertReservation(const media::MediaRecord& record) override;
  int countPending(const std::string& uploader, int64_t now_ms) override;
  media::FillResult fillReservation(const media::MediaKey& key, const std::string& uploader,
                                    const media::ContentInfo& content, int64_t now_ms) override;
  std::optional<media::MediaRecord> find(const media::MediaKey& key) override;
  void linkEvent(const std::string& event_id, const std::string& room_id,
                 const std::vector<media::MediaRef>& refs) override;
  std::vector<media::EventRef> eventsReferencing(const media::MediaKey& key) override;

 private:
  Pool& pool_;
};

}  // namespace hs::db
