#pragma once
// Thumbnails of stored media: the spec's five sizes are generated when an image is uploaded
// and cached on disk next to the content they were made from (so deduplicated content shares
// them); any other size is rendered on request and not cached, which bounds the disk a client
// can make us fill. Rendering runs on the bounded thumbnailer pool, never on request threads.
#include <memory>
#include <optional>
#include <string>

#include "homeserver/core/thread_pool.h"
#include "homeserver/services/media/media_store.h"
#include "media/content_store.h"
#include "media/thumbnailer.h"

namespace hs::media {

// What to send for a thumbnail request: a file on disk or bytes, and their type.
struct ThumbnailReply {
  std::string file_path;  // a cached thumbnail, or the original when it is already small
  std::string bytes;      // a rendered, uncached thumbnail
  std::string content_type;
};

// A thumbnail request resolved against one media item.
struct ThumbnailPlan {
  ThumbSize size;        // the spec size it snapped to, or the request as asked
  ThumbType type;
  bool animated = false;
  bool cacheable = false;  // a spec size: lives on disk once made
  std::string cache_path;  // when cacheable
};

class ThumbnailService {
 public:
  ThumbnailService(ContentStore& content, Thumbnailer& thumbnailer, core::ThreadPool& pool)
      : content_(content), thumbnailer_(thumbnailer), pool_(pool) {}

  // Throws M_UNKNOWN (400) when the media is not an image we thumbnail.
  ThumbnailPlan plan(const MediaRecord& media, const ThumbSize& requested, bool animated) const;
  // The cached file for a cacheable plan, if it was made already. Cheap: one stat.
  std::optional<ThumbnailReply> cached(const MediaRecord& media, const ThumbnailPlan& plan) const;
  // Decodes and renders: call on the pool. Throws M_TOO_LARGE (413) past the pixel limit and
  // M_UNKNOWN (400) for undecodable images.
  ThumbnailReply produce(const MediaRecord& media, const ThumbnailPlan& plan);
  // Queues the spec sizes of a freshly uploaded image; skipped when the pool is busy.
  void pregenerate(const MediaRecord& media);
  core::ThreadPool& pool() { return pool_; }

 private:
  void generateSpecSizes(const MediaRecord& media);

  ContentStore& content_;
  Thumbnailer& thumbnailer_;
  core::ThreadPool& pool_;
};

}  // namespace hs::media
