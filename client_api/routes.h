#pragma once
#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"

namespace hs::client {

// Adds every /_matrix/client/* and /.well-known/matrix/client route.
void addClientRoutes(http::RouteTable& t, ClientContext& ctx);

}  // namespace hs::client
