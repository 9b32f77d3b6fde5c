#include "homeserver/core/ids.h"

#include <cctype>

#include "homeserver/core/ip_range.h"
#include "homeserver/core/matrix_error.h"

namespace hs::core {

namespace {
constexpr size_t kMaxUserIdBytes = 255;

bool isHostChar(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.'; }

bool isValidPort(std::string_view port) {
  if (port.empty() || port.size() > 5) {
    return false;
  }
  for (char c : port) {
    if (!std::isdigit(static_cast<unsigned char>(c))) {
      return false;
    }
  }
  return std::stoi(std::string(port)) <= 65535;
}
}  // namespace

std::optional<ServerNameParts> splitServerName(std::string_view name) {
  if (!isValidServerName(name)) {
    return std::nullopt;
  }
  ServerNameParts p;
  std::string_view port;
  if (name.front() == '[') {
    const size_t close = name.find(']');
    p.host = std::string(name.substr(1, close - 1));
    p.ipv6 = true;
    port = close + 1 < name.size() ? name.substr(close + 2) : std::string_view();
  } else {
    const size_t colon = name.rfind(':');
    p.host = std::string(name.substr(0, colon));
    port = colon == std::string_view::npos ? std::string_view() : name.substr(colon + 1);
  }
  p.port = port.empty() ? 0 : std::stoi(std::string(port));
  const auto ip = IpAddress::parse(p.host);
  if (p.ipv6 && !ip) {
    return std::nullopt;  // [not-an-address]
  }
  p.ip_literal = ip.has_value();
  return p;
}

bool isValidServerName(std::string_view name) {
  if (name.empty() || name.size() > 255) {
    return false;
  }
  std::string_view host = name;
  if (name.front() == '[') {
    const size_t close = name.find(']');
    if (close == std::string_view::npos || close < 3) {
      return false;
    }
    for (char c : name.substr(1, close - 1)) {
      if (!std::isxdigit(static_cast<unsigned char>(c)) && c != ':' && c != '.') {
        return false;
      }
    }
    const std::string_view rest = name.substr(close + 1);
    return rest.empty() || (rest.front() == ':' && isValidPort(rest.substr(1)));
  }
  const size_t colon = name.rfind(':');
  if (colon != std::string_view::npos) {
    if (!isValidPort(name.substr(colon + 1))) {
      return false;
    }
    host = name.substr(0, colon);
  }
  if (host.empty()) {
    return false;
  }
  for (char c : host) {
    if (!isHostChar(c)) {
      return false;
    }
  }
  return true;
}

bool isValidNewLocalpart(std::string_view localpart) {
  if (localpart.empty()) {
    return false;
  }
  for (char c : localpart) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_' ||
                    c == '=' || c == '-' || c == '/' || c == '+';
    if (!ok) {
      return false;
    }
  }
  return true;
}

UserId UserId::parse(std::string_view text) {
  if (text.size() < 4 || text.size() > kMaxUserIdBytes || text.front() != '@') {
    throw MatrixError(ErrCode::InvalidParam, "Invalid user id");
  }
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos || colon == 1 ||
      !isValidServerName(text.substr(colon + 1))) {
    throw MatrixError(ErrCode::InvalidParam, "Invalid user id");
  }
  // Historical localparts may hold any printable ASCII except ':'.
  for (char c : text.substr(1, colon - 1)) {
    if (c < 0x21 || c > 0x7e) {
      throw MatrixError(ErrCode::InvalidParam, "Invalid user id");
    }
  }
  return UserId(std::string(text), colon);
}

UserId UserId::make(std::string_view localpart, std::string_view server) {
  return parse("@" + std::string(localpart) + ":" + std::string(server));
}

}  // namespace hs::core
