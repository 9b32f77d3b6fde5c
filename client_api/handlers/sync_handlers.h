#pragma once
// /sync, typing and receipts.
#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"

namespace hs::client {

using http::Request;
using http::Requester;
using http::Response;

Response getSync(Request& req, const Requester& who, ClientContext& ctx);
Response putTyping(Request& req, const Requester& who, ClientContext& ctx);
Response postReceipt(Request& req, const Requester& who, ClientContext& ctx);
Response postReadMarkers(Request& req, const Requester& who, ClientContext& ctx);

void addSyncRoutes(http::RouteTable& t, ClientContext& ctx);
// directory.cpp: publicRooms, directory/list/room, user_directory/search.
void addDirectoryRoutes(http::RouteTable& t, ClientContext& ctx);

}  // namespace hs::client
