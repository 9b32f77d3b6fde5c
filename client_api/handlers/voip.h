#pragma once
// TURN credentials (GET /voip/turnServer).
#include <string>
#include <string_view>

namespace hs::client {

// The TURN REST API password coturn's use-auth-secret checks: padded standard base64 of
// HMAC-SHA1(secret, username).
std::string turnPassword(std::string_view secret, std::string_view username);

}  // namespace hs::client
