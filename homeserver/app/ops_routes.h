#pragma once
// Operator endpoints: GET /health and GET /metrics.
#include "db/pool.h"
#include "homeserver/http/metrics.h"
#include "homeserver/http/route_table.h"

namespace hs {

void addOpsRoutes(http::RouteTable& t, db::Pool& pool, http::Metrics& metrics);

}  // namespace hs
