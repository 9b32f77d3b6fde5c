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

namespace {
// Calls `take(key, value)` for each decodable pair of a raw query string, in order.
template <typename Take>
void forEachQueryPair(const std::string& raw, Take take) {
  size_t start = 0;
  while (start <= raw.size()) {
    size_t end = raw.find('&', start);
    if (end == std::string::npos) {
      end = raw.size();
    }
    const std::string pair = raw.substr(start, end - start);
    if (!pair.empty()) {
      const size_t eq = pair.find('=');
      auto k = queryDecode(pair.substr(0, eq));
      auto v = queryDecode(eq == std::string::npos ? "" : pair.substr(eq + 1));
      if (k && v) {
        take(std::move(*k), std::move(*v));
      }
    }
    start = end + 1;
  }
}
}  // namespace

std::map<std::string, std::string> parseQueryString(const std::string& raw) {
  std::map<std::string, std::string> out;
  forEachQueryPair(raw, [&out](std::string k, std::string v) {
    out.emplace(std::move(k), std::move(v));  // the first of repeated keys wins
  });
  return out;
}

std::vector<std::string> queryValues(const Request& req, const std::string& name) {
  std::vector<std::string> out;
  const size_t q = req.target.find('?');
  if (q != std::string::npos) {
    forEachQueryPair(req.target.substr(q + 1), [&](std::string k, std::string v) {
      if (k == name) {
        out.push_back(std::move(v));
      }
    });
  }
  return out;
}

}  // namespace hs::http
