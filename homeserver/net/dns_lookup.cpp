#include "homeserver/net/dns_lookup.h"

#include <netdb.h>
#include <sys/socket.h>

namespace hs::net {

std::vector<core::IpAddress> resolveHost(const std::string& host) {
  if (auto literal = core::IpAddress::parse(host)) {
    return {*literal};
  }
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  addrinfo* found = nullptr;
  std::vector<core::IpAddress> out;
  if (host.empty() || getaddrinfo(host.c_str(), nullptr, &hints, &found) != 0) {
    return out;
  }
  for (const addrinfo* a = found; a != nullptr; a = a->ai_next) {
    if (auto ip = core::IpAddress::fromSockaddr(a->ai_addr)) {
      out.push_back(*ip);
    }
  }
  freeaddrinfo(found);
  return out;
}

std::string urlHost(const std::string& url) {
  const size_t scheme = url.find("://");
  size_t start = scheme == std::string::npos ? 0 : scheme + 3;
  const size_t end_of_authority = url.find_first_of("/?#", start);
  std::string authority = url.substr(start, end_of_authority == std::string::npos ? std::string::npos
                                                                                   : end_of_authority - start);
  if (const size_t at = authority.rfind('@'); at != std::string::npos) {
    authority = authority.substr(at + 1);
  }
  if (!authority.empty() && authority.front() == '[') {
    const size_t close = authority.find(']');
    return close == std::string::npos ? "" : authority.substr(1, close - 1);
  }
  return authority.substr(0, authority.find(':'));
}

}  // namespace hs::net
