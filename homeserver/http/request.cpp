#include "homeserver/http/request.h"

#include <algorithm>

namespace hs::http {

int hexDigitValue(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

namespace {
bool hasControl(const std::string& s, bool allow_whitespace) {
  return std::any_of(s.begin(), s.end(), [allow_whitespace](char c) {
    const auto u = static_cast<unsigned char>(c);
    if (allow_whitespace && (c == '\t' || c == '\n' || c == '\r')) {
      return false;
    }
    return u < 0x20 || u == 0x7f;
  });
}
}  // namespace

std::optional<std::string> paramWithControlCharacter(const Request& req) {
  for (const auto& [name, value] : req.path_params) {
    if (hasControl(value, false)) {
      return name;
    }
  }
  for (const auto& [name, value] : req.query) {
    if (hasControl(name, false) || hasControl(value, true)) {
      return name;
    }
  }
  return std::nullopt;
}

std::optional<std::string> percentDecode(const std::string& in) {
  std::string out;
  out.reserve(in.size());
  for (size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out += in[i];
      continue;
    }
    if (i + 2 >= in.size()) {
      return std::nullopt;
    }
    const int hi = hexDigitValue(in[i + 1]);
    const int lo = hexDigitValue(in[i + 2]);
    if (hi < 0 || lo < 0) {
      return std::nullopt;
    }
    out += static_cast<char>(hi * 16 + lo);
    i += 2;
  }
  return out;
}

std::optional<std::string> queryDecode(const std::string& in) {
  std::string plus_as_space = in;
  std::replace(plus_as_space.begin(), plus_as_space.end(), '+', ' ');
  return percentDecode(plus_as_space);
}

std::map<std::string, std::string> parseQueryString(const std::string& raw) {
  std::map<std::string, std::string> out;
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = raw.find('&', start);
    if (end == std::string::npos) {
      end = raw.size();
    }
    const std::string pair = raw.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      std::string key = pair.substr(0, eq);
      std::string value = eq == std::string::npos ? "" : pair.substr(eq + 1);
      auto k = queryDecode(key);
      auto v = queryDecode(value);
      if (k && v) {
        out.emplace(std::move(*k), std::move(*v));  // the first of repeated keys wins
      }
    }
    start = end + 1;
  }
  return out;
}

}  // namespace hs::http
