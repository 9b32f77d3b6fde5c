#pragma once
// The DNS boundary of server discovery: SRV lookups and name-to-address resolution. The
// system implementation uses libresolv (res_query) and getaddrinfo and blocks, so discovery
// runs on a pool; tests substitute a table (DNS itself is not available to them).
#include <string>
#include <vector>

#include "homeserver/core/ip_range.h"

namespace hs::fed {

struct SrvRecord {
  int priority = 0;
  int weight = 0;
  int port = 0;
  std::string target;  // without the trailing dot
};

class DnsResolver {
 public:
  virtual ~DnsResolver() = default;
  // Records of `name` (e.g. "_matrix-fed._tcp.example.org") ordered by priority, then by
  // weight (highest first); empty when there are none or the lookup fails.
  virtual std::vector<SrvRecord> srv(const std::string& name) = 0;
  // CNAME/AAAA/A resolution; empty when the name does not resolve.
  virtual std::vector<core::IpAddress> addresses(const std::string& host) = 0;
};

class SystemDnsResolver final : public DnsResolver {
 public:
  std::vector<SrvRecord> srv(const std::string& name) override;
  std::vector<core::IpAddress> addresses(const std::string& host) override;
};

// Orders SRV records as srv() promises (shared with test resolvers).
void sortSrvRecords(std::vector<SrvRecord>& records);

}  // namespace hs::fed
