#include "client_api/handlers/handlers.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
void checkField(const std::string& field) {
  if (field != "displayname" && field != "avatar_url") {
    throw MatrixError(ErrCode::NotFound, "Unknown profile field");
  }
}
}  // namespace

// GET /_matrix/client/v3/profile/{userId}
Response getProfile(Request& req, const Requester&, ClientContext& ctx) {
  const auto profile = ctx.profiles.get(core::UserId::parse(req.pathParam("userId")));
  json::Writer w;
  w.startObject().optString("displayname", profile.displayname);
  w.optString("avatar_url", profile.avatar_url).endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/profile/{userId}/{keyName}
Response getProfileField(Request& req, const Requester&, ClientContext& ctx) {
  const std::string& field = req.pathParam("field");
  checkField(field);
  const auto profile = ctx.profiles.get(core::UserId::parse(req.pathParam("userId")));
  const auto& value = field == "displayname" ? profile.displayname : profile.avatar_url;
  if (!value) {
    throw MatrixError(ErrCode::NotFound, "Profile field not set");
  }
  json::Writer w;
  w.startObject().key(field).string(*value).endObject();
  return Response::json(200, w.take());
}

// PUT /_matrix/client/v3/profile/{userId}/{keyName}
Response putProfileField(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string& field = req.pathParam("field");
  checkField(field);
  const json::Document body = json::parseObject(req.body);
  ctx.profiles.set(who.userId(), core::UserId::parse(req.pathParam("userId")), field,
                   json::optString(body, field));
  return Response::json(200, "{}");
}

}  // namespace hs::client
