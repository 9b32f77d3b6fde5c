#pragma once
// The bytes of a response head, and the Matrix JSON answers the server gives on its own (bad
// framing, timeouts, overload) in the shape the dispatcher gives handler errors.
#include <cstdint>
#include <string>

#include "homeserver/http/request.h"

namespace hs::http {

struct HeadFraming {
  uint64_t content_length = 0;
  bool close = false;          // "Connection: close", and the connection is closed after it
  bool http10_keep_alive = false;  // an HTTP/1.0 client asked to keep the connection
};

// Status line, the response's headers (any with a CR, LF or NUL is dropped and logged: header
// values can carry user input, such as upload file names), Content-Type, Content-Length, Date
// and Connection, and the blank line.
std::string serializeHead(const Response& res, const HeadFraming& framing);

// {"errcode":...,"error":...} for a status the server chose itself: 413/414/431 are M_TOO_LARGE,
// 501 M_UNRECOGNIZED, anything else M_UNKNOWN; the CORS headers are included.
Response serverErrorResponse(int status, const std::string& message);

}  // namespace hs::http
