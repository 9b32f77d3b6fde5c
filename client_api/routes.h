#pragma once
#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"

namespace hs::client {

// Wraps the handler of an action that makes events or rooms (sending, state, membership
// changes, createRoom, profile changes): each call first takes a token from the caller's
// messages_per_user bucket, 429 M_LIMIT_EXCEEDED with retry_after_ms when it is empty.
http::Handler perUserLimited(http::Handler inner, ClientContext& ctx);

// Adds every /_matrix/client/* and /.well-known/matrix/client route.
void addClientRoutes(http::RouteTable& t, ClientContext& ctx);
// Marks the routes guest accounts may call (guest_routes.cpp); after every route is added.
void allowGuestRoutes(http::RouteTable& t);
// Account data, tags, filters, push rules and presence (routes_user_data.cpp).
void addUserDataRoutes(http::RouteTable& t, ClientContext& ctx);
// Friends, blocks, notifications, delivery status, email and 3PIDs, pushers (routes_social.cpp).
void addSocialRoutes(http::RouteTable& t, ClientContext& ctx);

}  // namespace hs::client
