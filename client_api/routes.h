#pragma once
#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"

namespace hs::client {

// Adds every /_matrix/client/* and /.well-known/matrix/client route.
void addClientRoutes(http::RouteTable& t, ClientContext& ctx);
// Account data, tags, filters, push rules and presence (routes_user_data.cpp).
void addUserDataRoutes(http::RouteTable& t, ClientContext& ctx);
// Friends, blocks, notifications, delivery status, email and 3PIDs, pushers (routes_social.cpp).
void addSocialRoutes(http::RouteTable& t, ClientContext& ctx);

}  // namespace hs::client
