#pragma once
// Percent-encoding of a URL component: everything but RFC 3986's unreserved characters.
#include <string>
#include <string_view>

namespace hs::core {

std::string percentEncode(std::string_view s);

}  // namespace hs::core
