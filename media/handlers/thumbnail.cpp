#include <charconv>

#include "homeserver/core/matrix_error.h"
#include "media/content_types.h"
#include "media/handlers/deferred.h"
#include "media/handlers/handlers.h"
#include "media/serving.h"

namespace hs::media {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr int kMaxDimension = 10000;

int dimensionOf(const Request& req, const char* name) {
  const auto raw = req.queryParam(name);
  if (!raw) {
    throw MatrixError(ErrCode::MissingParam, std::string("Missing ") + name);
  }
  int value = 0;
  const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), value);
  if (ec != std::errc() || end != raw->data() + raw->size() || value < 1 || value > kMaxDimension) {
    throw MatrixError(ErrCode::InvalidParam, std::string(name) + " must be an integer in 1..10000");
  }
  return value;
}

ThumbSize sizeOf(const Request& req) {
  const auto method = parseMethod(req.queryParam("method").value_or("scale"));
  if (!method) {
    throw MatrixError(ErrCode::InvalidParam, "method must be crop or scale");
  }
  return ThumbSize{dimensionOf(req, "width"), dimensionOf(req, "height"), *method};
}

bool animatedOf(const Request& req) {
  const std::string raw = req.queryParam("animated").value_or("false");
  if (raw != "true" && raw != "false") {
    throw MatrixError(ErrCode::InvalidParam, "animated must be true or false");
  }
  return raw == "true";
}

Response render(ThumbnailReply reply, Access access) {
  Response res;
  res.content_type = reply.content_type;
  res.file_path = std::move(reply.file_path);
  res.body = std::move(reply.bytes);
  const std::string essence = essenceOf(reply.content_type);
  const std::string ext = essence.substr(essence.find('/') + 1);
  res.header("Content-Disposition", contentDisposition(true, "thumbnail." + ext));
  addSecurityHeaders(res, access == Access::Legacy);
  return res;
}

Response thumbnail(Request& req, MediaContext& ctx, Access access) {
  const ThumbSize size = sizeOf(req);
  const bool animated = animatedOf(req);
  auto responder = req.responder;
  return whenUploaded(req, ctx, access, [&ctx, size, animated, access, responder](const MediaRecord& r) {
    const ThumbnailPlan plan = ctx.thumbnails.plan(r, size, animated);
    if (auto hit = ctx.thumbnails.cached(r, plan)) {
      return render(std::move(*hit), access);
    }
    const bool queued = ctx.thumbnails.pool().trySubmit([&ctx, r, plan, access, responder] {
      answer(responder, [&] { return render(ctx.thumbnails.produce(r, plan), access); });
    });
    if (!queued) {
      throw MatrixError(ErrCode::Unavailable, "Too many thumbnails being made; retry later");
    }
    return Response::deferredReply();
  });
}
}  // namespace

// GET /_matrix/media/v3/thumbnail/{serverName}/{mediaId}
Response getThumbnail(Request& req, const Requester&, MediaContext& ctx) {
  return thumbnail(req, ctx, Access::Legacy);
}

// GET /_matrix/client/v1/media/thumbnail/{serverName}/{mediaId}
Response getThumbnailAuthed(Request& req, const Requester&, MediaContext& ctx) {
  return thumbnail(req, ctx, Access::Authenticated);
}

}  // namespace hs::media
