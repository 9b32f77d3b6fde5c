#pragma once
// What the media handlers reach. Owned by App.
#include "homeserver/config/config.h"
#include "homeserver/core/thread_pool.h"
#include "homeserver/services/streams/notifier.h"
#include "media/media_service.h"
#include "media/thumbnail_service.h"
#include "media/url_preview/url_preview.h"

namespace hs::media {

struct MediaContext {
  const config::Config& config;
  MediaService& media;
  ThumbnailService& thumbnails;
  streams::Notifier& uploads;  // downloads parked until a reserved id gets its content
  core::ThreadPool& workers;   // where a parked download resumes
  UrlPreviewService* previews;  // null when url_preview.enabled is off
  core::ThreadPool& outbound;   // blocking fetches (URL previews)
};

}  // namespace hs::media
