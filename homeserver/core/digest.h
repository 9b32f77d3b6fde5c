#pragma once
// Message digests (OpenSSL) and constant-time comparison (libsodium).
#include <string>
#include <string_view>

namespace hs::core {

std::string sha256(std::string_view data);  // 32 raw bytes
std::string md5(std::string_view data);     // 16 raw bytes
std::string sha1(std::string_view data);    // 20 raw bytes (room v1 state resolution orders by it)
std::string hmacSha1(std::string_view key, std::string_view data);  // 20 raw bytes
std::string toHex(std::string_view bytes);
bool constantTimeEquals(std::string_view a, std::string_view b);

}  // namespace hs::core
