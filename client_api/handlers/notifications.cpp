// The notification feed (extension endpoints) and GET /_matrix/client/v3/notifications.
#include "client_api/handlers/room_params.h"
#include "client_api/handlers/social.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/notifications/notification_service.h"
#include "homeserver/services/rooms/client_render.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kDefaultLimit = 20;
constexpr size_t kMaxLimit = 100;

void writeFeedRow(json::Writer& w, const notifications::Notification& n) {
  w.startObject().key("id").string(std::to_string(n.id)).key("type").string(n.type);
  w.key("title").string(n.title).key("body").string(n.body).key("related_id");
  if (n.related_id) {
    w.string(*n.related_id);
  } else {
    w.null();
  }
  w.key("is_read").boolean(n.is_read).key("created_at").integer(n.created_at);
  w.optString("room_id", n.room_id).optString("event_id", n.event_id).endObject();
}

void writeNextToken(json::Writer& w, const std::optional<int64_t>& next, bool null_at_end) {
  if (next) {
    w.key("next_token").string(std::to_string(*next));
  } else if (null_at_end) {
    w.key("next_token").null();
  }
}

bool flagParam(const Request& req, const char* name) {
  const std::string v = req.queryParam(name).value_or("false");
  if (v != "true" && v != "false") {
    throw MatrixError(ErrCode::InvalidParam, std::string(name) + " must be true or false");
  }
  return v == "true";
}
}  // namespace

// GET /_matrix/client/unstable/im.parley/notifications?from=&limit=&only_unread=
Response getFeedNotifications(Request& req, const Requester& who, ClientContext& ctx) {
  const auto page = ctx.social.notifications.feed(who.userId().str(), req.queryParam("from"),
                                                  limitParam(req, kDefaultLimit, kMaxLimit),
                                                  flagParam(req, "only_unread"));
  json::Writer w;
  w.startObject().key("notifications").startArray();
  for (const auto& n : page.rows) {
    writeFeedRow(w, n);
  }
  w.endArray();
  writeNextToken(w, page.next_token, true);
  w.key("unread_count").integer(page.unread_count).endObject();
  return Response::json(200, w.take());
}

// POST /_matrix/client/unstable/im.parley/notifications/{id}/read
Response postFeedNotificationRead(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.social.notifications.markRead(who.userId().str(), req.pathParam("id"));
  return Response::json(200, "{}");
}

// POST /_matrix/client/unstable/im.parley/notifications/read_all
Response postFeedNotificationsReadAll(Request&, const Requester& who, ClientContext& ctx) {
  ctx.social.notifications.markAllRead(who.userId().str());
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/notifications?from=&limit=&only=highlight
Response getNotifications(Request& req, const Requester& who, ClientContext& ctx) {
  const auto page = ctx.social.notifications.pushed(who.userId().str(), req.queryParam("from"),
                                                    limitParam(req, kDefaultLimit, kMaxLimit),
                                                    req.queryParam("only").value_or("") == "highlight");
  rooms::RenderContext rc = rooms::viewerContext(who.userId().str(), who.device_id, ctx.clock.nowMs());
  json::Writer w;
  w.startObject().key("notifications").startArray();
  for (const auto& n : page.rows) {
    const auto event = n.event_id ? ctx.rooms.store().eventById(*n.event_id) : std::nullopt;
    if (!event) {
      continue;
    }
    w.startObject().key("actions").raw(n.actions).key("event");
    rooms::renderEvent(w, *event, rc);
    // No rule here carries a profile tag; null, as Synapse sends, for clients that index it.
    w.key("profile_tag").null();
    w.key("read").boolean(n.receipt_read).key("room_id").string(event->room_id);
    w.key("ts").integer(n.created_at).endObject();
  }
  w.endArray();
  writeNextToken(w, page.next_token, false);
  w.endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
