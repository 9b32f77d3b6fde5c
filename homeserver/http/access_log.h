#pragma once
// The access log and the request metrics, written when a response is handed to the connection
// (or found to have no connection left), so both record what the client actually got: the
// handler's answer, or the server's own 400/408/413/431/501/503/504 in its place.
#include <string>

#include "homeserver/http/metrics.h"

namespace hs::http {

// Recorded in place of the status when the client was gone before its answer could be sent
// (nginx's convention).
constexpr int kClientClosedStatus = 499;

struct AccessEntry {
  std::string request_id;
  std::string method;
  std::string route;  // the path template; "(framing)" for requests refused before routing
  std::string user = "-";
  int status = 0;
  double seconds = 0;  // from the end of the request head to the response
  std::string note;    // why the server answered instead of the handler, if it did
};

void logAccess(Metrics& metrics, const AccessEntry& entry);
// "req-N", unique in the process across listeners.
std::string newRequestId();

}  // namespace hs::http
