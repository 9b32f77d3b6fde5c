#pragma once
// The headers every media response carries, so that a served file can never run as a page on
// our origin: a sandboxing Content-Security-Policy, nosniff, Content-Disposition by type.
#include <optional>
#include <string>

#include "homeserver/http/request.h"

namespace hs::media {

// RFC 6266: `inline` or `attachment`, then the file name as filename="..." when it is plain
// printable ASCII, else as filename*=utf-8''<percent-encoded> (RFC 8187).
std::string contentDisposition(bool is_inline, const std::optional<std::string>& filename);

// Adds Content-Security-Policy, X-Content-Type-Options, Cross-Origin-Resource-Policy and
// Cache-Control to a media response.
void addSecurityHeaders(http::Response& res, bool cache_publicly);

}  // namespace hs::media
