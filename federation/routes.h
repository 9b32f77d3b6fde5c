#pragma once
#include "federation/fed_context.h"
#include "homeserver/http/route_table.h"

namespace hs::fed {

// A transaction: 50 PDUs of up to 64 KiB and 100 EDUs, with room to spare.
constexpr int64_t kMaxTransactionBytes = 16 * 1024 * 1024;

// Every /_matrix/federation/* and /_matrix/key/* route, served on the federation listener.
void addFederationRoutes(http::RouteTable& t, FederationContext& ctx);

}  // namespace hs::fed
