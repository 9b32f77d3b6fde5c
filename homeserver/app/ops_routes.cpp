#include "homeserver/app/ops_routes.h"

namespace hs {

using http::Auth;
using http::Method;
using http::Request;
using http::Requester;
using http::Response;

void addOpsRoutes(http::RouteTable& t, db::Pool& pool, http::Metrics& metrics) {
  metrics.addGauge("parley_db_pool_in_use", "Database connections lent out.",
                   [&pool] { return pool.inUse(); });
  metrics.addGauge("parley_db_pool_size", "Database pool capacity.", [&pool] { return pool.size(); });
  metrics.addGauge("parley_process_resident_memory_bytes", "Resident set size.",
                   [] { return static_cast<double>(http::processRssBytes()); });

  // GET /health: 200 "OK" while the database answers.
  t.add(Method::Get, "/health", Auth::None, [&pool](Request&, const Requester&) {
    Response r = pool.healthy() ? Response::json(200, "OK") : Response::json(503, "database unavailable");
    r.content_type = "text/plain";
    return r;
  });
}

void addMetricsRoutes(http::RouteTable& t, http::Metrics& metrics) {
  // GET /metrics: Prometheus text format.
  t.add(Method::Get, "/metrics", Auth::None, [&metrics](Request&, const Requester&) {
    Response r = Response::json(200, metrics.render());
    r.content_type = "text/plain; version=0.0.4";
    return r;
  });
}

}  // namespace hs
