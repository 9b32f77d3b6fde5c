#pragma once
// The media repository's rules: uploads (direct, and into an id reserved by /create), who may
// download what through which endpoint, and the links from events to the media they carry.
// Storage is split: bytes in the ContentStore on disk, rows behind MediaStore.
#include <cstdint>
#include <optional>
#include <string>

#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/random.h"
#include "homeserver/services/media/media_store.h"
#include "homeserver/services/rate_limiter.h"
#include "homeserver/services/streams/notifier.h"
#include "media/content_store.h"

namespace hs::media {

struct Upload {
  std::string content_type;               // the request's Content-Type, already normalized
  std::optional<std::string> filename;    // the filename query parameter
  const std::string& body;
};

// What an upload says about itself before its bytes (streamed uploads).
struct UploadMeta {
  std::string content_type;             // already normalized
  std::optional<std::string> filename;
};

struct Reservation {
  MediaKey key;
  int64_t unused_expires_at = 0;
};

// Which family of endpoints is asking: the legacy unauthenticated /_matrix/media/* paths
// cannot see media uploaded while unauthenticated media is frozen.
enum class Access { Legacy, Authenticated };

class MediaService {
 public:
  // `uploads` wakes downloads waiting for a reserved id's content; it is keyed by mxc URI.
  MediaService(const config::Config& config, MediaStore& store, ContentStore& content,
               streams::Notifier& uploads, core::Random& random, const core::Clock& clock);

  // POST /upload. Throws M_LIMIT_EXCEEDED, M_INVALID_PARAM (bad filename).
  MediaRecord upload(const core::UserId& user, const Upload& upload);
  // The same for a streamed upload: checked before its bytes arrive (the rate limit counts
  // it), recorded once they are stored.
  void admitUpload(const core::UserId& user, const UploadMeta& meta);
  MediaRecord recordUpload(const core::UserId& user, const UploadMeta& meta,
                           const StoredContent& content);
  // POST /create. Throws M_LIMIT_EXCEEDED (rate, or too many pending reservations).
  Reservation create(const core::UserId& user);
  // PUT /upload/{serverName}/{mediaId}. Throws M_NOT_FOUND (unknown or expired id),
  // M_FORBIDDEN (someone else's id), M_CANNOT_OVERWRITE_MEDIA (already uploaded).
  MediaRecord uploadTo(const core::UserId& user, const MediaKey& key, const Upload& upload);
  // The same for a streamed upload; the reservation is checked again when it is filled.
  void admitUploadTo(const core::UserId& user, const MediaKey& key, const UploadMeta& meta);
  MediaRecord recordUploadTo(const core::UserId& user, const MediaKey& key, const UploadMeta& meta,
                             const StoredContent& content);

  // The row a download or thumbnail request names, when that endpoint may see it; content is
  // empty while a reservation awaits its upload. Throws M_INVALID_PARAM (bad server name) and
  // M_NOT_FOUND (bad or unknown id, quarantined, frozen for legacy, expired reservation).
  MediaRecord find(const std::string& server, const std::string& media_id, Access access);
  // The waiting key for a reservation (see `uploads`).
  static std::string waitKey(const MediaKey& key);

  // Records which media an event's content references. Runs after the event is committed,
  // so it never throws: a failure is logged and the event stands.
  void linkEvent(const std::string& event_id, const std::string& room_id,
                 const std::string& content_json);

  ContentStore& content() { return content_; }

 private:
  static ContentInfo infoOf(const UploadMeta& meta, const StoredContent& content);

  const config::Config& config_;
  MediaStore& store_;
  ContentStore& content_;
  streams::Notifier& uploads_;
  core::Random& random_;
  const core::Clock& clock_;
  services::RateLimiter upload_limit_;
};

}  // namespace hs::media
