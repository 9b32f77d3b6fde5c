#pragma once
// IP ranges (CIDR) and the outbound address policy: requests to private, loopback,
// link-local and other special ranges (Synapse's default ip_range_blacklist, IPv4 and IPv6)
// are refused unless the address is whitelisted. Checked on resolved addresses, so a name
// that resolves to 127.0.0.1 is refused like the literal.
#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

struct sockaddr;

namespace hs::core {

// One IPv4 or IPv6 address, IPv4 stored as such (IPv4-mapped IPv6 addresses are unwrapped).
struct IpAddress {
  bool v6 = false;
  std::array<uint8_t, 16> bytes{};  // IPv4 uses the first 4
  static std::optional<IpAddress> parse(std::string_view text);  // no brackets, no port
  static std::optional<IpAddress> fromSockaddr(const sockaddr* addr);
  std::string str() const;
};

class IpRange {
 public:
  // "10.0.0.0/8", "fe80::/10", or a bare address (a /32 or /128).
  static std::optional<IpRange> parse(std::string_view cidr);
  bool contains(const IpAddress& a) const;

 private:
  IpAddress base_;
  int prefix_ = 0;
};

class AddressPolicy {
 public:
  // Refuses the default blacklist, except addresses in `whitelist` (CIDRs; invalid entries
  // throw std::invalid_argument: config validation reports them first).
  explicit AddressPolicy(const std::vector<std::string>& whitelist = {});
  bool allowed(const IpAddress& a) const;
  bool allowed(std::string_view ip_text) const;  // false when it is not an address at all

 private:
  std::vector<IpRange> blacklist_;
  std::vector<IpRange> whitelist_;
};

}  // namespace hs::core
