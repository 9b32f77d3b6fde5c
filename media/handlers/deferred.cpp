#include "media/handlers/deferred.h"

#include <spdlog/spdlog.h>

#include <charconv>
#include <chrono>

#include "homeserver/core/matrix_error.h"
#include "homeserver/http/dispatch.h"

namespace hs::media {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr int64_t kDefaultWaitMs = 20000;  // the spec's default timeout_ms
constexpr int64_t kMaxWaitMs = 60000;      // the spec asks servers to cap it

int64_t waitOf(const http::Request& req) {
  const auto raw = req.queryParam("timeout_ms");
  if (!raw) {
    return kDefaultWaitMs;
  }
  int64_t ms = -1;
  const auto [end, ec] = std::from_chars(raw->data(), raw->data() + raw->size(), ms);
  if (ec == std::errc() && end == raw->data() + raw->size() && ms >= 0) {
    return std::min(ms, kMaxWaitMs);
  }
  throw MatrixError(ErrCode::InvalidParam, "timeout_ms must be a non-negative integer");
}
}  // namespace

void answer(const std::shared_ptr<http::Responder>& responder,
            const std::function<http::Response()>& make) {
  http::Response res;
  try {
    res = make();
  } catch (const MatrixError& e) {
    res = http::errorResponse(e);
  } catch (const std::exception& e) {
    spdlog::error("media: deferred request failed: {}", e.what());
    res = http::errorResponse(MatrixError(ErrCode::Unknown, "Internal server error"));
  }
  if (!res.deferred) {
    responder->send(std::move(res));
  }
}

http::Response whenUploaded(http::Request& req, MediaContext& ctx, Access access, Serve serve) {
  const std::string server = req.pathParam("serverName");
  const std::string media_id = req.pathParam("mediaId");
  const auto wait = std::chrono::milliseconds(waitOf(req));  // a bad value is refused either way
  const MediaRecord found = ctx.media.find(server, media_id, access);
  if (found.content) {
    return serve(found);
  }
  const std::string key = MediaService::waitKey(found.key);
  auto responder = req.responder;
  // Runs on the notifier's thread, on upload or timeout: hand off to a worker, never block.
  auto resume = [&ctx, responder, server, media_id, access, serve](bool) {
    auto task = [&ctx, responder, server, media_id, access, serve] {
      answer(responder, [&] {
        const MediaRecord now = ctx.media.find(server, media_id, access);
        if (!now.content) {
          throw MatrixError(ErrCode::NotYetUploaded, "Content has not yet been uploaded");
        }
        return serve(now);
      });
    };
    if (!ctx.workers.trySubmit(task)) {
      responder->send(http::errorResponse(MatrixError(ErrCode::Unavailable, "Server is busy")));
    }
  };
  ctx.uploads.park(key, wait, resume);
  // The upload may have landed between find() and park(), its notification unseen: look again.
  if (ctx.media.find(server, media_id, access).content) {
    ctx.uploads.notifyUsers({key});
  }
  return http::Response::deferredReply();
}

}  // namespace hs::media
