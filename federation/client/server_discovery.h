#pragma once
// Resolving a server name to where and how to connect (ALGORITHMS §10, the spec's "Resolving
// server names"): IP literal, hostname with explicit port, /.well-known delegation (and its
// own sub-steps), SRV _matrix-fed._tcp then the deprecated _matrix._tcp, then port 8448. The
// resolved address must pass the outbound address policy.
#include <cstdint>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>

#include "federation/client/dns.h"
#include "federation/client/well_known.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/ip_range.h"

namespace hs::fed {

class DiscoveryError : public std::runtime_error {
 public:
  DiscoveryError(const std::string& what, bool refused) : std::runtime_error(what), refused_(refused) {}
  bool refusedByPolicy() const { return refused_; }

 private:
  bool refused_;
};

struct ResolvedServer {
  std::string tls_name;     // the URL host: certificate name and SNI (none for an IP literal)
  int port = 8448;
  std::string host_header;  // the Host header to send
  core::IpAddress address;  // where to connect
  // "https://<tls_name>:<port><target>" and the matching CURLOPT_CONNECT_TO entry.
  std::string url(const std::string& target) const;
  std::string connectTo() const;
};

class ServerDiscovery {
 public:
  static constexpr int kDefaultPort = 8448;
  static constexpr int64_t kCacheMs = 5 * 60 * 1000;  // results, on top of the well-known cache

  ServerDiscovery(DnsResolver& dns, WellKnownResolver& well_known, const core::AddressPolicy& policy,
                  const core::Clock& clock)
      : dns_(dns), well_known_(well_known), policy_(policy), clock_(clock) {}

  // Blocks (DNS, the well-known fetch): call it from a pool thread. Throws DiscoveryError.
  ResolvedServer resolve(const std::string& server_name);
  void forget(const std::string& server_name);  // after a connection failure

 private:
  ResolvedServer resolveUncached(const std::string& server_name);
  // Steps 3.1-3.5 for a delegated name, and steps 4-6 for a name without delegation: both
  // are "hostname without port: SRV, else 8448", with Host/TLS name = `name_host`.
  ResolvedServer viaSrv(const std::string& name_host);
  ResolvedServer literalOrPort(const std::string& name);  // steps 1-2 (and 3.1-3.2)
  core::IpAddress pickAddress(const std::string& host);

  DnsResolver& dns_;
  WellKnownResolver& well_known_;
  const core::AddressPolicy& policy_;
  const core::Clock& clock_;
  std::mutex mu_;
  std::map<std::string, std::pair<ResolvedServer, int64_t>> cache_;  // guarded by mu_
};

}  // namespace hs::fed
