#pragma once
// OpenID token requests and the admin whois (client API).
#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"

namespace hs::client {

http::Response postOpenIdRequestToken(http::Request& req, const http::Requester& who, ClientContext& ctx);
http::Response getAdminWhois(http::Request& req, const http::Requester& who, ClientContext& ctx);

}  // namespace hs::client
