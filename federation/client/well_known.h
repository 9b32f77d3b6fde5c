#pragma once
// /.well-known/matrix/server (ALGORITHMS §10 step 3): fetched over HTTPS with the address
// policy applied to every hop, redirects followed (https only, at most 5, no loops), at most
// 50 KiB, and cached: a valid answer per Cache-Control/Expires (24 h by default, 5 min to
// 48 h), an invalid one (not 200, not JSON, no m.server) for an hour, a failed fetch for a
// minute doubling per consecutive failure up to an hour.
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>

#include "federation/client/dns.h"
#include "homeserver/core/clock.h"
#include "homeserver/net/outbound_client.h"

namespace hs::fed {

// How long a response may be cached, from its headers (exposed for tests).
int64_t wellKnownCacheMs(const net::HttpResponse& r, int64_t now_ms);

class WellKnownResolver {
 public:
  static constexpr size_t kMaxBytes = 50 * 1024;
  static constexpr int kMaxRedirects = 5;

  // `port` is 443 except in tests, whose servers cannot bind it.
  WellKnownResolver(DnsResolver& dns, net::OutboundClient& client, const core::Clock& clock, int port = 443)
      : dns_(dns), client_(client), clock_(clock), port_(port) {}

  // The delegated server name (`m.server`), or nullopt when there is none (any failure).
  // Blocks: call it from a pool thread.
  std::optional<std::string> delegatedName(const std::string& hostname);

 private:
  struct Entry {
    std::optional<std::string> server;
    int64_t expires_ms = 0;
    int failures = 0;  // consecutive fetch failures, for the backoff
  };
  // One fetch with redirects; nullopt response means no answer at all.
  std::optional<net::HttpResponse> fetch(const std::string& hostname);
  net::HttpResult get(const std::string& host, int port, const std::string& path);

  DnsResolver& dns_;
  net::OutboundClient& client_;
  const core::Clock& clock_;
  int port_;
  std::mutex mu_;
  std::map<std::string, Entry> cache_;  // guarded by mu_
};

}  // namespace hs::fed
