// The room directory and the user directory.
#include "client_api/handlers/room_params.h"
#include "client_api/handlers/sync_handlers.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
Response renderPublicRooms(const directory::DirectoryService::Page& page) {
  json::Writer w;
  w.startObject().key("chunk").startArray();
  for (const auto& r : page.chunk) {
    w.startObject().key("room_id").string(r.room_id).key("num_joined_members").integer(r.num_joined_members);
    w.key("world_readable").boolean(r.world_readable).key("guest_can_join").boolean(r.guest_can_join);
    w.optString("name", r.name).optString("topic", r.topic).optString("canonical_alias", r.canonical_alias);
    w.optString("avatar_url", r.avatar_url).optString("join_rule", r.join_rule).optString("room_type", r.room_type);
    w.endObject();
  }
  w.endArray().optString("next_batch", page.next_batch).optString("prev_batch", page.prev_batch);
  w.key("total_room_count_estimate").integer(page.total).endObject();
  return Response::json(200, w.take());
}

void checkLocalServer(const Request& req, ClientContext& ctx) {
  const auto server = req.queryParam("server");
  if (server && *server != ctx.config.server_name) {
    throw MatrixError(ErrCode::Forbidden, "Other servers' directories need federation, not available yet");
  }
}
}  // namespace

// GET /_matrix/client/v3/publicRooms?limit=&since=&server=
Response getPublicRooms(Request& req, const Requester&, ClientContext& ctx) {
  checkLocalServer(req, ctx);
  return renderPublicRooms(ctx.directory.publicRooms("", req.queryParam("since"),
                                                     static_cast<int64_t>(limitParam(req, 100, 500))));
}

// POST /_matrix/client/v3/publicRooms
Response postPublicRooms(Request& req, const Requester&, ClientContext& ctx) {
  checkLocalServer(req, ctx);
  const json::Document body = json::parseObject(req.body, true);
  std::string term;
  if (const json::Value* filter = json::optObject(body, "filter")) {
    term = json::optString(*filter, "generic_search_term").value_or("");
  }
  return renderPublicRooms(ctx.directory.publicRooms(term, json::optString(body, "since"),
                                                     json::optInt(body, "limit").value_or(100)));
}

// GET /_matrix/client/v3/directory/list/room/{roomId}
Response getRoomVisibility(Request& req, const Requester&, ClientContext& ctx) {
  json::Writer w;
  w.startObject().key("visibility").string(ctx.directory.visibility(checkRoomId(req.pathParam("roomId"))));
  w.endObject();
  return Response::json(200, w.take());
}

// PUT /_matrix/client/v3/directory/list/room/{roomId}
Response putRoomVisibility(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  ctx.directory.setVisibility(who.userId().str(), checkRoomId(req.pathParam("roomId")),
                              json::optString(body, "visibility").value_or("public"));
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/user_directory/search
Response postUserDirectorySearch(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const int64_t limit = json::optInt(body, "limit").value_or(10);
  const auto results = ctx.directory.searchUsers(who.userId().str(), json::requireString(body, "search_term"), limit + 1);
  json::Writer w;
  w.startObject().key("results").startArray();
  for (size_t i = 0; i < results.size() && static_cast<int64_t>(i) < limit; ++i) {
    const auto& u = results[i];
    w.startObject().key("user_id").string(u.user_id).optString("display_name", u.display_name);
    w.optString("avatar_url", u.avatar_url).endObject();
  }
  w.endArray().key("limited").boolean(static_cast<int64_t>(results.size()) > limit).endObject();
  return Response::json(200, w.take());
}

void addDirectoryRoutes(http::RouteTable& t, ClientContext& ctx) {
  using http::Auth;
  using http::Method;
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, ClientContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  t.addClient(Method::Get, "/publicRooms", Auth::Optional, h(getPublicRooms));
  t.addClient(Method::Post, "/publicRooms", Auth::AccessToken, h(postPublicRooms));
  t.addClient(Method::Get, "/directory/list/room/:roomId", Auth::None, h(getRoomVisibility));
  t.addClient(Method::Put, "/directory/list/room/:roomId", Auth::AccessToken, h(putRoomVisibility));
  t.addClient(Method::Post, "/user_directory/search", Auth::AccessToken, h(postUserDirectorySearch));
}

}  // namespace hs::client
