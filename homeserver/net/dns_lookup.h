#pragma once
// Name to address lookups with the system resolver (getaddrinfo; blocking, so pool threads
// only) and the host part of a URL.
#include <string>
#include <vector>

#include "homeserver/core/ip_range.h"

namespace hs::net {

// The addresses of a host name (an IP literal gives itself); empty when it does not resolve.
std::vector<core::IpAddress> resolveHost(const std::string& host);
// "https://[::1]:8448/x" -> "::1", "http://user@gw.example:5000/p" -> "gw.example".
std::string urlHost(const std::string& url);

}  // namespace hs::net
