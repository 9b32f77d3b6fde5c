#pragma once
// The deprecated /events, /initialSync, /rooms/{roomId}/initialSync and /events/{eventId}.
#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"

namespace hs::client {

using http::Request;
using http::Requester;
using http::Response;

Response getEvents(Request& req, const Requester& who, ClientContext& ctx);
Response getInitialSync(Request& req, const Requester& who, ClientContext& ctx);
Response getRoomInitialSync(Request& req, const Requester& who, ClientContext& ctx);
Response getEventById(Request& req, const Requester& who, ClientContext& ctx);
void addLegacyRoutes(http::RouteTable& t, ClientContext& ctx);

}  // namespace hs::client
