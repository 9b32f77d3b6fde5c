#include "federation/handlers/handlers.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/accounts/profile_service.h"

namespace hs::fed {

using core::ErrCode;
using core::MatrixError;

// GET /_matrix/federation/v1/query/profile?user_id=&field= (signed): a local user's profile.
Response getQueryProfile(Request& req, const Requester&, FederationContext& ctx) {
  const auto user_param = req.queryParam("user_id");
  if (!user_param) {
    throw MatrixError(ErrCode::MissingParam, "Missing user_id");
  }
  const auto user = core::UserId::parse(*user_param);
  if (user.server() != ctx.config.server_name) {
    throw MatrixError(ErrCode::InvalidParam, "The user is not on this server");
  }
  const auto field = req.queryParam("field");
  if (field && *field != "displayname" && *field != "avatar_url") {
    throw MatrixError(ErrCode::NotFound, "Unknown profile field");
  }
  const auto profile = ctx.profiles.getLocal(user);
  json::Writer w;
  w.startObject();
  if (!field || *field == "displayname") {
    w.optString("displayname", profile.displayname);
  }
  if (!field || *field == "avatar_url") {
    w.optString("avatar_url", profile.avatar_url);
  }
  w.endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::fed
