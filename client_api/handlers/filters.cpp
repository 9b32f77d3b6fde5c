#include "client_api/handlers/user_data.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"

namespace hs::client {

// POST /_matrix/client/v3/user/{userId}/filter
Response postFilter(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string id =
      ctx.filters.create(who.userId(), core::UserId::parse(req.pathParam("userId")), req.body);
  json::Writer w;
  w.startObject().key("filter_id").string(id).endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/user/{userId}/filter/{filterId}
Response getFilter(Request& req, const Requester& who, ClientContext& ctx) {
  return Response::json(200, ctx.filters.get(who.userId(), core::UserId::parse(req.pathParam("userId")),
                                             req.pathParam("filterId")));
}

}  // namespace hs::client
