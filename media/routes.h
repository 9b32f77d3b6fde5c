#pragma once
#include "homeserver/http/route_table.h"
#include "media/media_context.h"

namespace hs::media {

// Every /_matrix/media/* route (v3, its r0 aliases for matrix-nio 0.20, and v1/create) and
// the authenticated /_matrix/client/v1/media/* routes.
void addMediaRoutes(http::RouteTable& t, MediaContext& ctx);

}  // namespace hs::media
