#include "homeserver/core/random.h"

#include <sodium.h>

#include "homeserver/core/base64.h"

namespace hs::core {

std::string Random::alnum(size_t n) {
  static constexpr char kChars[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string out;
  out.reserve(n);
  while (out.size() < n) {
    for (unsigned char b : bytes(n)) {
      // 62 * 4 = 248: drop bytes >= 248 so every character is equally likely.
      if (b < 248 && out.size() < n) {
        out += kChars[b % 62];
      }
    }
  }
  return out;
}

std::string Random::token(const std::string& prefix) { return prefix + base64UrlEncode(bytes(32)); }

std::string SodiumRandom::bytes(size_t n) {
  std::string out(n, '\0');
  randombytes_buf(out.data(), n);
  return out;
}

}  // namespace hs::core
