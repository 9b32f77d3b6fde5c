#include "media/thumbnail_service.h"

#include <spdlog/spdlog.h>

#include "homeserver/core/matrix_error.h"
#include "media/content_types.h"

namespace hs::media {

using core::ErrCode;
using core::MatrixError;

namespace {
// The spec's answer for content it cannot thumbnail: 400 with M_UNKNOWN.
MatrixError cannotThumbnail() {
  return MatrixError(ErrCode::Unknown, "Cannot generate thumbnails for the requested content", 400);
}

bool fitsWithin(const ImageInfo& info, const ThumbSize& size) {
  return info.width <= size.width && info.height <= size.height;
}
}  // namespace

ThumbnailPlan ThumbnailService::plan(const MediaRecord& media, const ThumbSize& requested,
                                     bool animated) const {
  const auto type = media.content ? thumbTypeFor(media.content->content_type, animated) : std::nullopt;
  if (!type) {
    throw cannotThumbnail();
  }
  ThumbnailPlan p;
  p.type = *type;
  p.animated = *type == ThumbType::Webp;  // only GIF and WebP sources animate
  const auto snapped = snapToSpecSize(requested);
  p.size = snapped.value_or(requested);
  p.cacheable = snapped.has_value();
  if (p.cacheable) {
    p.cache_path = content_.thumbnailPath(media.content->sha256,
                                          thumbnailName(p.size, p.animated, p.type));
  }
  return p;
}

std::optional<ThumbnailReply> ThumbnailService::cached(const MediaRecord&,
                                                       const ThumbnailPlan& plan) const {
  if (!plan.cacheable || !ContentStore::exists(plan.cache_path)) {
    return std::nullopt;
  }
  return ThumbnailReply{plan.cache_path, "", std::string(contentTypeOf(plan.type))};
}

ThumbnailReply ThumbnailService::produce(const MediaRecord& media, const ThumbnailPlan& plan) {
  const ContentInfo& c = media.content.value();
  const std::string source = content_.contentPath(c.sha256);
  const auto info = thumbnailer_.probe(source);
  if (!info) {
    throw cannotThumbnail();
  }
  if (thumbnailer_.tooLarge(*info)) {
    throw MatrixError(ErrCode::TooLarge, "Content is too large to thumbnail");
  }
  // Already small enough: the spec says to return the original rather than thumbnail it
  // (unless that would send an animation the client did not ask for).
  if (fitsWithin(*info, plan.size) && (info->pages == 1 || plan.animated)) {
    return ThumbnailReply{source, "", servedContentType(c.content_type)};
  }
  Thumbnail t;
  try {
    t = thumbnailer_.render(source, *info, plan.size, plan.type);
  } catch (const UndecodableImage& e) {
    spdlog::debug("thumbnail of {}: {}", media.key.media_id, e.what());
    throw cannotThumbnail();
  }
  if (plan.cacheable) {
    content_.putThumbnail(c.sha256, thumbnailName(plan.size, plan.animated, plan.type), t.bytes);
  }
  return ThumbnailReply{"", std::move(t.bytes), std::string(contentTypeOf(plan.type))};
}

void ThumbnailService::pregenerate(const MediaRecord& media) {
  if (!media.content || !thumbTypeFor(media.content->content_type, false)) {
    return;
  }
  if (!pool_.trySubmit([this, media] { generateSpecSizes(media); })) {
    spdlog::debug("thumbnailer busy: {} gets its thumbnails on first request", media.key.media_id);
  }
}

void ThumbnailService::generateSpecSizes(const MediaRecord& media) {
  const ContentInfo& c = *media.content;
  const std::string source = content_.contentPath(c.sha256);
  const auto info = thumbnailer_.probe(source);
  if (!info || thumbnailer_.tooLarge(*info)) {
    return;
  }
  const ThumbType type = *thumbTypeFor(c.content_type, false);
  std::vector<ThumbSize> missing;
  for (const ThumbSize& size : kSpecSizes) {
    // Sizes the image fits inside are served from the original; identical content may have
    // had its thumbnails made already.
    if (!fitsWithin(*info, size) &&
        !ContentStore::exists(content_.thumbnailPath(c.sha256, thumbnailName(size, false, type)))) {
      missing.push_back(size);
    }
  }
  if (missing.empty()) {
    return;
  }
  try {
    const auto thumbs = thumbnailer_.renderMany(source, missing, type);
    for (size_t i = 0; i < missing.size(); ++i) {
      content_.putThumbnail(c.sha256, thumbnailName(missing[i], false, type), thumbs[i].bytes);
    }
  } catch (const UndecodableImage& e) {
    spdlog::debug("thumbnails of {}: {}", media.key.media_id, e.what());
  }
}

}  // namespace hs::media
