#pragma once
// Typed Matrix identifiers. Parsing validates the grammar so a handler holding a UserId
// knows it is well formed.
#include <optional>
#include <string>
#include <string_view>

namespace hs::core {

// Server name grammar: hostname (DNS name, IPv4 or [IPv6]) with an optional :port.
bool isValidServerName(std::string_view name);
// A valid server name split into its host and port (ALGORITHMS §10).
struct ServerNameParts {
  std::string host;           // DNS name, IPv4 literal, or IPv6 literal without brackets
  int port = 0;               // 0: none given
  bool ip_literal = false;
  bool ipv6 = false;
  std::string hostForUrl() const { return ipv6 ? "[" + host + "]" : host; }
};
// nullopt when `name` is not a valid server name.
std::optional<ServerNameParts> splitServerName(std::string_view name);
// Historical-safe localpart grammar for new users: [a-z0-9._=\-/+]+.
bool isValidNewLocalpart(std::string_view localpart);

class UserId {
 public:
  // "@localpart:server"; throws MatrixError(InvalidParam) when malformed.
  static UserId parse(std::string_view text);
  static UserId make(std::string_view localpart, std::string_view server);
  const std::string& str() const { return full_; }
  std::string_view localpart() const { return std::string_view(full_).substr(1, colon_ - 1); }
  std::string_view server() const { return std::string_view(full_).substr(colon_ + 1); }
  bool operator==(const UserId& o) const { return full_ == o.full_; }

 private:
  UserId(std::string full, size_t colon) : full_(std::move(full)), colon_(colon) {}
  std::string full_;
  size_t colon_;
};

}  // namespace hs::core
