#include "federation/client/server_discovery.h"

#include "homeserver/core/ids.h"

namespace hs::fed {

namespace {
std::string bracketed(const core::IpAddress& a) { return a.v6 ? "[" + a.str() + "]" : a.str(); }
}  // namespace

std::string ResolvedServer::url(const std::string& target) const {
  return "https://" + tls_name + ":" + std::to_string(port) + target;
}

std::string ResolvedServer::connectTo() const {
  const std::string p = std::to_string(port);
  return tls_name + ":" + p + ":" + bracketed(address) + ":" + p;
}

core::IpAddress ServerDiscovery::pickAddress(const std::string& host) {
  bool refused = false;
  for (const auto& a : dns_.addresses(host)) {
    if (policy_.allowed(a)) {
      return a;
    }
    refused = true;
  }
  if (refused) {
    throw DiscoveryError(host + " resolves only to addresses federation may not reach", true);
  }
  throw DiscoveryError(host + " does not resolve", false);
}

// A name with an IP literal or an explicit port needs neither well-known nor SRV.
ResolvedServer ServerDiscovery::literalOrPort(const std::string& name) {
  const auto parts = core::splitServerName(name);
  ResolvedServer r;
  r.tls_name = parts->hostForUrl();
  r.port = parts->port != 0 ? parts->port : kDefaultPort;
  r.host_header = name;
  if (parts->ip_literal) {
    r.address = *core::IpAddress::parse(parts->host);
    if (!policy_.allowed(r.address)) {
      throw DiscoveryError(name + " is an address federation may not reach", true);
    }
  } else {
    r.address = pickAddress(parts->host);
  }
  return r;
}

ResolvedServer ServerDiscovery::viaSrv(const std::string& name_host) {
  ResolvedServer r;
  r.tls_name = name_host;
  r.host_header = name_host;
  for (const char* service : {"_matrix-fed._tcp.", "_matrix._tcp."}) {
    const auto records = dns_.srv(service + name_host);
    if (!records.empty()) {
      r.port = records.front().port;
      r.address = pickAddress(records.front().target);
      return r;
    }
  }
  r.port = kDefaultPort;
  r.address = pickAddress(name_host);
  return r;
}

ResolvedServer ServerDiscovery::resolveUncached(const std::string& server_name) {
  const auto parts = core::splitServerName(server_name);
  if (!parts) {
    throw DiscoveryError("not a server name: " + server_name, false);
  }
  if (parts->ip_literal || parts->port != 0) {
    return literalOrPort(server_name);  // steps 1 and 2
  }
  if (const auto delegated = well_known_.delegatedName(parts->host)) {  // step 3
    const auto d = core::splitServerName(*delegated);
    if (d->ip_literal || d->port != 0) {
      return literalOrPort(*delegated);  // 3.1, 3.2
    }
    return viaSrv(d->host);  // 3.3 - 3.5
  }
  return viaSrv(parts->host);  // steps 4 - 6
}

ResolvedServer ServerDiscovery::resolve(const std::string& server_name) {
  const int64_t now = clock_.nowMs();
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(server_name);
    if (it != cache_.end() && it->second.second > now) {
      return it->second.first;
    }
  }
  ResolvedServer r = resolveUncached(server_name);
  std::lock_guard lock(mu_);
  cache_[server_name] = {r, now + kCacheMs};
  return r;
}

void ServerDiscovery::forget(const std::string& server_name) {
  std::lock_guard lock(mu_);
  cache_.erase(server_name);
}

}  // namespace hs::fed
