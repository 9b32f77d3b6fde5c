#include "client_api/handlers/user_data.h"
#include "homeserver/core/ids.h"

namespace hs::client {

namespace {
core::UserId targetUser(const Request& req) { return core::UserId::parse(req.pathParam("userId")); }
}  // namespace

// PUT /_matrix/client/v3/user/{userId}/account_data/{type}
Response putAccountData(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.account_data.putForClient(who.userId(), targetUser(req), "", req.pathParam("type"), req.body);
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/user/{userId}/account_data/{type}
Response getAccountData(Request& req, const Requester& who, ClientContext& ctx) {
  return Response::json(
      200, ctx.account_data.getForClient(who.userId(), targetUser(req), "", req.pathParam("type")));
}

// PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}
Response putRoomAccountData(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.account_data.putForClient(who.userId(), targetUser(req), req.pathParam("roomId"),
                                req.pathParam("type"), req.body);
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/account_data/{type}
Response getRoomAccountData(Request& req, const Requester& who, ClientContext& ctx) {
  return Response::json(200, ctx.account_data.getForClient(who.userId(), targetUser(req),
                                                           req.pathParam("roomId"),
                                                           req.pathParam("type")));
}

// GET /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags
Response getRoomTags(Request& req, const Requester& who, ClientContext& ctx) {
  return Response::json(200,
                        ctx.account_data.tags(who.userId(), targetUser(req), req.pathParam("roomId")));
}

// PUT /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}
Response putRoomTag(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.account_data.putTag(who.userId(), targetUser(req), req.pathParam("roomId"),
                          req.pathParam("tag"), req.body);
  return Response::json(200, "{}");
}

// DELETE /_matrix/client/v3/user/{userId}/rooms/{roomId}/tags/{tag}
Response deleteRoomTag(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.account_data.deleteTag(who.userId(), targetUser(req), req.pathParam("roomId"),
                             req.pathParam("tag"));
  return Response::json(200, "{}");
}

}  // namespace hs::client
