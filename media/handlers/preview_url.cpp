// URL previews: the page is fetched on the outbound pool, so no request thread waits on it.
#include "homeserver/core/matrix_error.h"
#include "media/handlers/deferred.h"
#include "media/handlers/handlers.h"

namespace hs::media {

using core::ErrCode;
using core::MatrixError;

// GET /_matrix/client/v1/media/preview_url?url=&ts=  (and /_matrix/media/v3/preview_url)
// `ts` is ignored: previews are of the page as it is now (a cached one at most
// url_preview.cache_ms old).
Response getPreviewUrl(Request& req, const Requester&, MediaContext& ctx) {
  if (ctx.previews == nullptr) {
    throw MatrixError(ErrCode::Unrecognized, "URL previews are not enabled on this server");
  }
  const auto url = req.queryParam("url");
  if (!url || url->empty()) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'url'");
  }
  if (!isHttpUrl(*url)) {
    throw MatrixError(ErrCode::InvalidParam, "url must be an http or https URL");
  }
  auto responder = req.responder;
  UrlPreviewService* previews = ctx.previews;
  const bool queued = ctx.outbound.trySubmit([responder, previews, url = *url] {
    answer(responder, [&] { return Response::json(200, previews->preview(url)); });
  });
  if (!queued) {
    throw MatrixError(ErrCode::Unavailable, "Server is busy");
  }
  return Response::deferredReply();
}

}  // namespace hs::media
