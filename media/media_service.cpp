#include "media/media_service.h"

#include <spdlog/spdlog.h>

#include "homeserver/core/matrix_error.h"
#include "media/content_types.h"
#include "media/media_ids.h"
#include "media/media_refs.h"

namespace hs::media {

using core::ErrCode;
using core::MatrixError;

namespace {
// The spec asks servers to bound pending /create reservations per user; 24 hours is its
// recommended lifetime for an unused id.
constexpr int kMaxPendingUploads = 10;
constexpr int64_t kReservationLifetimeMs = 24LL * 3600 * 1000;
constexpr size_t kMaxFilenameBytes = 255;

// Well-formed UTF-8 (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF.
bool isValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    const auto c = static_cast<unsigned char>(s[i]);
    size_t len = 0;
    uint32_t cp = 0;
    if (c < 0x80) {
      len = 1, cp = c;
    } else if ((c & 0xe0) == 0xc0) {
      len = 2, cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      len = 3, cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      len = 4, cp = c & 0x07;
    } else {
      return false;
    }
    if (i + len > s.size()) {
      return false;
    }
    for (size_t k = 1; k < len; ++k) {
      const auto cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) {
        return false;
      }
      cp = (cp << 6) | (cc & 0x3f);
    }
    static constexpr uint32_t kMinForLength[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < kMinForLength[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
      return false;
    }
    i += len;
  }
  return true;
}

void checkFilename(const std::optional<std::string>& name) {
  if (name && (name->size() > kMaxFilenameBytes || !isValidUtf8(*name))) {
    throw MatrixError(ErrCode::InvalidParam, "filename must be UTF-8 of at most 255 bytes");
  }
}

// Why a reservation cannot be filled, judged from its row; Filled when it can.
FillResult judge(const std::optional<MediaRecord>& r, const core::UserId& user, int64_t now_ms) {
  if (!r) {
    return FillResult::NotFound;
  }
  if (r->uploader != user.str()) {
    return FillResult::NotOwner;
  }
  if (r->content) {
    return FillResult::AlreadyUploaded;
  }
  return r->unused_expires_at.value_or(0) > now_ms ? FillResult::Filled : FillResult::Expired;
}

void throwUnlessFilled(FillResult result) {
  switch (result) {
    case FillResult::Filled: return;
    case FillResult::NotFound: throw MatrixError(ErrCode::NotFound, "Unknown media ID");
    case FillResult::Expired: throw MatrixError(ErrCode::NotFound, "The media ID has expired");
    case FillResult::NotOwner:
      throw MatrixError(ErrCode::Forbidden, "This media ID was created by another user");
    case FillResult::AlreadyUploaded:
      throw MatrixError(ErrCode::CannotOverwriteMedia, "Media already uploaded");
  }
}
}  // namespace

MediaService::MediaService(const config::Config& config, MediaStore& store, ContentStore& content,
                           streams::Notifier& uploads, core::Random& random,
                           const core::Clock& clock)
    : config_(config), store_(store), content_(content), uploads_(uploads), random_(random),
      clock_(clock),
      upload_limit_(clock, config.rate_limits.media_upload_per_user.per_second,
                    config.rate_limits.media_upload_per_user.burst, config.rate_limits.enabled) {}

ContentInfo MediaService::infoOf(const UploadMeta& m, const StoredContent& c) {
  return ContentInfo{m.content_type, fileTypeOf(m.content_type), m.filename, c.size, c.sha256, c.md5};
}

void MediaService::admitUpload(const core::UserId& user, const UploadMeta& meta) {
  upload_limit_.check(user.str());
  checkFilename(meta.filename);
}

// The bytes are durable (ContentWriter::commit) before the row that points at them exists.
MediaRecord MediaService::recordUpload(const core::UserId& user, const UploadMeta& meta,
                                       const StoredContent& content) {
  MediaRecord r;
  r.key = MediaKey{config_.server_name, newMediaId(random_)};
  r.uploader = user.str();
  r.content = infoOf(meta, content);
  r.created_at = clock_.nowMs();
  r.authenticated_only = config_.media.freeze_unauthenticated;
  store_.insertUploaded(r);
  return r;
}

MediaRecord MediaService::upload(const core::UserId& user, const Upload& u) {
  const UploadMeta meta{u.content_type, u.filename};
  admitUpload(user, meta);
  return recordUpload(user, meta, content_.put(u.body));
}

Reservation MediaService::create(const core::UserId& user) {
  upload_limit_.check(user.str());
  const int64_t now = clock_.nowMs();
  if (store_.countPending(user.str(), now) >= kMaxPendingUploads) {
    throw MatrixError(ErrCode::LimitExceeded, "Too many pending uploads");
  }
  MediaRecord r;
  r.key = MediaKey{config_.server_name, newMediaId(random_)};
  r.uploader = user.str();
  r.created_at = now;
  r.unused_expires_at = now + kReservationLifetimeMs;
  r.authenticated_only = config_.media.freeze_unauthenticated;
  store_.insertReservation(r);
  return Reservation{r.key, *r.unused_expires_at};
}

void MediaService::admitUploadTo(const core::UserId& user, const MediaKey& key,
                                 const UploadMeta& meta) {
  checkFilename(meta.filename);
  if (key.origin != config_.server_name || !isValidMediaId(key.media_id)) {
    throw MatrixError(ErrCode::NotFound, "Unknown media ID");
  }
  // Refuse early, before the bytes reach the disk; recordUploadTo re-checks atomically.
  throwUnlessFilled(judge(store_.find(key), user, clock_.nowMs()));
}

MediaRecord MediaService::recordUploadTo(const core::UserId& user, const MediaKey& key,
                                         const UploadMeta& meta, const StoredContent& content) {
  throwUnlessFilled(store_.fillReservation(key, user.str(), infoOf(meta, content), clock_.nowMs()));
  uploads_.notifyUsers({waitKey(key)});
  auto filled = store_.find(key);
  if (!filled) {
    throw std::runtime_error("media row vanished after its upload");
  }
  return *filled;
}

MediaRecord MediaService::uploadTo(const core::UserId& user, const MediaKey& key, const Upload& u) {
  const UploadMeta meta{u.content_type, u.filename};
  admitUploadTo(user, key, meta);
  return recordUploadTo(user, key, meta, content_.put(u.body));
}

MediaRecord MediaService::find(const std::string& server, const std::string& media_id,
                               Access access) {
  if (!core::isValidServerName(server)) {
    throw MatrixError(ErrCode::InvalidParam, "Invalid server name");
  }
  if (!isValidMediaId(media_id)) {
    throw MatrixError(ErrCode::NotFound, "Media not found");
  }
  // NOTSPEC: remote media we have not cached is not fetched over federation yet: 404.
  auto r = store_.find(MediaKey{server, media_id});
  if (!r || r->quarantined || (access == Access::Legacy && r->authenticated_only)) {
    throw MatrixError(ErrCode::NotFound, "Media not found");
  }
  if (!r->content && r->unused_expires_at.value_or(0) <= clock_.nowMs()) {
    throw MatrixError(ErrCode::NotFound, "Media not found");
  }
  return *r;
}

std::string MediaService::waitKey(const MediaKey& key) { return mxcUri(key); }

void MediaService::linkEvent(const std::string& event_id, const std::string& room_id,
                             const std::string& content_json) {
  const auto refs = mediaRefsOf(content_json);
  if (refs.empty()) {
    return;
  }
  // The event is committed and acknowledged by now: a failed link must not fail the send.
  try {
    store_.linkEvent(event_id, room_id, refs);
  } catch (const std::exception& e) {
    spdlog::error("media: linking event {} to its media failed: {}", event_id, e.what());
  }
}

}  // namespace hs::media
