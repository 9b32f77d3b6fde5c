#pragma once
// Server-side search (POST /search).
#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"

namespace hs::client {

http::Response postSearch(http::Request& req, const http::Requester& who, ClientContext& ctx);

}  // namespace hs::client
