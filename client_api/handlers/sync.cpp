// GET /sync with long-polling: a request with nothing new parks with the notifier (holding no
// thread) and is answered from a worker when the user's streams move or the timeout passes.
#include <spdlog/spdlog.h>

#include "client_api/handlers/sync_handlers.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/filters/filter.h"
#include "homeserver/http/dispatch.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr int64_t kMaxTimeoutMs = 5 * 60 * 1000;
using Clock = std::chrono::steady_clock;
}  // namespace

int64_t syncTimeoutParam(const Request& req) {
  const auto t = req.queryParam("timeout");
  if (!t) {
    return 0;
  }
  try {
    return std::clamp<int64_t>(std::stoll(*t), 0, kMaxTimeoutMs);
  } catch (const std::exception&) {
    throw MatrixError(ErrCode::InvalidParam, "timeout must be an integer");
  }
}

namespace {
void parkSync(ClientContext& ctx, const sync::SyncRequest& sr, std::shared_ptr<http::Responder> responder,
              Clock::time_point deadline, streams::SyncToken seen, SyncRender render);

// Runs on a worker after a wake-up: answer if there is news or time is up, else park again.
void resumeSync(ClientContext& ctx, const sync::SyncRequest& sr,
                const std::shared_ptr<http::Responder>& responder, Clock::time_point deadline,
                bool timed_out, const SyncRender& render) {
  try {
    auto r = ctx.sync.sync(sr);
    if (r.has_changes || timed_out || Clock::now() >= deadline) {
      responder->send(Response::json(200, render(std::move(r.body))));
    } else {
      parkSync(ctx, sr, responder, deadline, r.next, render);
    }
  } catch (const MatrixError& e) {
    responder->send(http::errorResponse(e));
  } catch (const std::exception& e) {  // entry of a background task: nothing may escape
    spdlog::error("deferred sync failed: {}", e.what());
    responder->send(http::errorResponse(MatrixError(ErrCode::Unknown, "Internal server error")));
  }
}

void parkSync(ClientContext& ctx, const sync::SyncRequest& sr, std::shared_ptr<http::Responder> responder,
              Clock::time_point deadline, streams::SyncToken seen, SyncRender render) {
  const auto remaining = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now());
  ctx.notifier.park(sr.user_id, std::max(remaining, std::chrono::milliseconds(0)),
                    [&ctx, sr, responder, deadline, render](bool timed_out) {
                      const bool queued = ctx.workers.trySubmit([&ctx, sr, responder, deadline, timed_out, render] {
                        resumeSync(ctx, sr, responder, deadline, timed_out, render);
                      });
                      if (!queued) {
                        responder->send(http::errorResponse(
                            MatrixError(ErrCode::Unavailable, "Server is busy or shutting down")));
                      }
                    });
  // Something may have moved between computing the response and parking: check once more
  // so that change is not left waiting for the timeout.
  const auto now = ctx.sync.currentToken();
  if (now.position != seen.position || now.typing != seen.typing) {
    ctx.notifier.notifyUsers({sr.user_id});
  }
}

// The filter param: inline JSON or a stored filter id (FilterService).
filters::Filter filterParam(const Request& req, const Requester& who, ClientContext& ctx) {
  const auto text = req.queryParam("filter");
  if (!text || text->empty()) {
    return filters::Filter{};
  }
  return ctx.filters.parseFilterParam(*text, who.userId());
}
}  // namespace

// GET /_matrix/client/v3/sync?since=&timeout=&full_state=&filter=&set_presence=
Response getSync(Request& req, const Requester& who, ClientContext& ctx) {
  sync::SyncRequest sr;
  sr.user_id = who.userId().str();
  sr.device_id = who.device_id;
  if (const auto since = req.queryParam("since"); since && !since->empty()) {
    sr.since = streams::parseSyncToken(*since);
    if (!sr.since) {
      throw MatrixError(ErrCode::InvalidParam, "Invalid since token");
    }
  }
  sr.full_state = req.queryParam("full_state").value_or("false") == "true";
  sr.filter = filterParam(req, who, ctx);
  const int64_t timeout = syncTimeoutParam(req);
  // Syncing marks the user online unless the client says otherwise (spec default).
  const std::string presence = req.queryParam("set_presence").value_or("online");
  if (presence != "online" && presence != "offline" && presence != "unavailable") {
    throw MatrixError(ErrCode::InvalidParam, "set_presence must be online, offline or unavailable");
  }
  ctx.presence.touch(sr.user_id, presence);
  return longPollSync(req, ctx, sr, timeout, [](std::string body) { return body; });
}

Response longPollSync(Request& req, ClientContext& ctx, const sync::SyncRequest& sr, int64_t timeout_ms,
                      SyncRender render) {
  auto result = ctx.sync.sync(sr);
  if (!sr.since || result.has_changes || timeout_ms == 0 || !req.responder) {
    return Response::json(200, render(std::move(result.body)));
  }
  parkSync(ctx, sr, req.responder, Clock::now() + std::chrono::milliseconds(timeout_ms), result.next,
           std::move(render));
  return Response::deferredReply();
}

}  // namespace hs::client
