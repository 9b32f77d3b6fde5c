#include "homeserver/core/ip_range.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <charconv>
#include <cstring>
#include <stdexcept>

namespace hs::core {

namespace {
// Synapse's DEFAULT_IP_RANGE_BLACKLIST plus the unspecified addresses it always adds.
constexpr const char* kBlacklist[] = {
    "0.0.0.0/8",      "127.0.0.0/8",     "10.0.0.0/8",      "172.16.0.0/12",  "192.168.0.0/16",
    "100.64.0.0/10",  "192.0.0.0/24",    "169.254.0.0/16",  "192.88.99.0/24", "198.18.0.0/15",
    "192.0.2.0/24",   "198.51.100.0/24", "203.0.113.0/24",  "224.0.0.0/4",    "::/128",
    "::1/128",        "fe80::/10",       "fc00::/7",        "2001:db8::/32",  "ff00::/8",
    "fec0::/10"};

constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

// ::ffff:a.b.c.d is IPv4 a.b.c.d for every check.
IpAddress unmapped(IpAddress a) {
  if (a.v6 && std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), a.bytes.begin())) {
    IpAddress v4;
    std::copy(a.bytes.begin() + 12, a.bytes.end(), v4.bytes.begin());
    return v4;
  }
  return a;
}
}  // namespace

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
  const std::string s(text);
  IpAddress a;
  if (inet_pton(AF_INET, s.c_str(), a.bytes.data()) == 1) {
    return a;
  }
  a.v6 = true;
  if (inet_pton(AF_INET6, s.c_str(), a.bytes.data()) == 1) {
    return unmapped(a);
  }
  return std::nullopt;
}

std::optional<IpAddress> IpAddress::fromSockaddr(const sockaddr* addr) {
  IpAddress a;
  if (addr == nullptr) {
    return std::nullopt;
  }
  if (addr->sa_family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(addr);
    std::memcpy(a.bytes.data(), &in->sin_addr, 4);
    return a;
  }
  if (addr->sa_family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(addr);
    a.v6 = true;
    std::memcpy(a.bytes.data(), &in6->sin6_addr, 16);
    return unmapped(a);
  }
  return std::nullopt;
}

std::string IpAddress::str() const {
  char buf[INET6_ADDRSTRLEN] = {0};
  inet_ntop(v6 ? AF_INET6 : AF_INET, bytes.data(), buf, sizeof buf);
  return buf;
}

std::optional<IpRange> IpRange::parse(std::string_view cidr) {
  const size_t slash = cidr.find('/');
  const auto base = IpAddress::parse(cidr.substr(0, slash));
  if (!base) {
    return std::nullopt;
  }
  IpRange r;
  r.base_ = *base;
  const int max_prefix = base->v6 ? 128 : 32;
  r.prefix_ = max_prefix;
  if (slash != std::string_view::npos) {
    const std::string_view digits = cidr.substr(slash + 1);
    const auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), r.prefix_);
    if (ec != std::errc() || end != digits.data() + digits.size() || digits.empty() ||
        r.prefix_ < 0 || r.prefix_ > max_prefix) {
      return std::nullopt;
    }
  }
  return r;
}

bool IpRange::contains(const IpAddress& a) const {
  if (a.v6 != base_.v6) {
    return false;
  }
  int bits = prefix_;
  for (size_t i = 0; bits > 0; ++i, bits -= 8) {
    const uint8_t mask = bits >= 8 ? 0xff : static_cast<uint8_t>(0xff << (8 - bits));
    if ((a.bytes[i] & mask) != (base_.bytes[i] & mask)) {
      return false;
    }
  }
  return true;
}

AddressPolicy::AddressPolicy(const std::vector<std::string>& whitelist) {
  for (const char* cidr : kBlacklist) {
    blacklist_.push_back(*IpRange::parse(cidr));
  }
  for (const auto& cidr : whitelist) {
    auto r = IpRange::parse(cidr);
    if (!r) {
      throw std::invalid_argument("not a CIDR range: " + cidr);
    }
    whitelist_.push_back(*r);
  }
}

bool AddressPolicy::allowed(const IpAddress& a) const {
  for (const auto& r : whitelist_) {
    if (r.contains(a)) {
      return true;
    }
  }
  for (const auto& r : blacklist_) {
    if (r.contains(a)) {
      return false;
    }
  }
  return true;
}

bool AddressPolicy::allowed(std::string_view ip_text) const {
  const auto a = IpAddress::parse(ip_text);
  return a && allowed(*a);
}

}  // namespace hs::core
