#pragma once
// Answers that come later: downloads of a reserved id waiting for its upload, and thumbnails
// rendered on the thumbnailer pool. Neither holds a request thread while it waits.
#include <functional>
#include <memory>

#include "homeserver/core/thread_pool.h"
#include "homeserver/http/route_table.h"
#include "media/media_context.h"

namespace hs::media {

using Serve = std::function<http::Response(const MediaRecord&)>;

// Runs `make` and sends its response through `responder` (unless it deferred again). The
// entry of background work: a MatrixError becomes its error response, anything else a 500.
// Only a failure to send escapes, to the pool's own catch.
void answer(const std::shared_ptr<http::Responder>& responder,
            const std::function<http::Response()>& make);

// Serves the media that the request's :serverName/:mediaId names. A reserved id still
// waiting for its content parks the request until the upload lands or timeout_ms passes
// (then 504 M_NOT_YET_UPLOADED), as the spec's timeout_ms asks. `serve` may run later, on a
// worker thread, so it must capture what it needs by value.
http::Response whenUploaded(http::Request& req, MediaContext& ctx, Access access, Serve serve);

}  // namespace hs::media
