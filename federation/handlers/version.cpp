#include "federation/handlers/handlers.h"

namespace hs::fed {

// GET /_matrix/federation/v1/version (not signed)
Response getFederationVersion(Request&, const Requester&, FederationContext&) {
  return Response::json(200, R"({"server":{"name":"Parley","version":"0.1.0"}})");
}

}  // namespace hs::fed
