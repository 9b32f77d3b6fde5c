// Friend requests and friends (extension endpoints under /_matrix/client/unstable/im.parley).
#include "client_api/handlers/social.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/social/friend_service.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
void writeOptional(json::Writer& w, const char* key, const std::optional<std::string>& v) {
  w.key(key);
  if (v) {
    w.string(*v);
  } else {
    w.null();
  }
}

void writeRequest(json::Writer& w, const social::FriendRequest& r) {
  w.startObject().key("request_id").string(r.request_id).key("requester").string(r.requester);
  w.key("addressee").string(r.addressee).key("status").string(r.status);
  writeOptional(w, "message", r.message);
  w.key("created_at").integer(r.created_at).key("updated_at").integer(r.updated_at);
  w.optString("room_id", r.room_id).endObject();
}

social::Direction directionParam(const Request& req) {
  const std::string d = req.queryParam("direction").value_or("both");
  if (d == "incoming") return social::Direction::Incoming;
  if (d == "outgoing") return social::Direction::Outgoing;
  if (d == "both") return social::Direction::Both;
  throw MatrixError(ErrCode::InvalidParam, "direction must be incoming or outgoing");
}
}  // namespace

// POST /_matrix/client/unstable/im.parley/friends/requests
Response postFriendRequest(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const std::string id = ctx.social.friends.request(who.userId(), json::requireString(body, "user_id"),
                                                    json::optString(body, "message"));
  json::Writer w;
  w.startObject().key("request_id").string(id).endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/unstable/im.parley/friends/requests?direction=&status=
Response getFriendRequests(Request& req, const Requester& who, ClientContext& ctx) {
  const auto rows = ctx.social.friends.requests(who.userId(), directionParam(req), req.queryParam("status"));
  json::Writer w;
  w.startObject().key("requests").startArray();
  for (const auto& r : rows) {
    writeRequest(w, r);
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

// POST /_matrix/client/unstable/im.parley/friends/requests/{requestId}/accept
Response postAcceptFriendRequest(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string room_id = ctx.social.friends.accept(who.userId(), req.pathParam("requestId"));
  json::Writer w;
  w.startObject().key("room_id").string(room_id).endObject();
  return Response::json(200, w.take());
}

// POST /_matrix/client/unstable/im.parley/friends/requests/{requestId}/reject
Response postRejectFriendRequest(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.social.friends.reject(who.userId(), req.pathParam("requestId"));
  return Response::json(200, "{}");
}

// DELETE /_matrix/client/unstable/im.parley/friends/requests/{requestId}
Response deleteFriendRequest(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.social.friends.cancel(who.userId(), req.pathParam("requestId"));
  return Response::json(200, "{}");
}

// GET /_matrix/client/unstable/im.parley/friends
Response getFriends(Request&, const Requester& who, ClientContext& ctx) {
  json::Writer w;
  w.startObject().key("friends").startArray();
  for (const auto& f : ctx.social.friends.friends(who.userId())) {
    w.startObject().key("user_id").string(f.user_id);
    writeOptional(w, "displayname", f.displayname);
    writeOptional(w, "avatar_url", f.avatar_url);
    w.key("since").integer(f.since).optString("room_id", f.room_id).endObject();
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

// DELETE /_matrix/client/unstable/im.parley/friends/{userId}
Response deleteFriend(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.social.friends.unfriend(who.userId(), core::UserId::parse(req.pathParam("userId")));
  return Response::json(200, "{}");
}

}  // namespace hs::client
