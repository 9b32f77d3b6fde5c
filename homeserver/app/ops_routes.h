#pragma once
// Operator endpoints: GET /health on the client listener; GET /metrics on the metrics listener
// only (listeners.metrics), never where clients reach it.
#include "db/pool.h"
#include "homeserver/http/metrics.h"
#include "homeserver/http/route_table.h"

namespace hs {

void addOpsRoutes(http::RouteTable& t, db::Pool& pool, http::Metrics& metrics);
void addMetricsRoutes(http::RouteTable& t, http::Metrics& metrics);

}  // namespace hs
