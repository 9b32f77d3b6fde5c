#include "federation/client/well_known.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <ctime>
#include <set>

#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"

namespace hs::fed {

namespace {
constexpr int64_t kHour = 3600 * 1000;
constexpr int64_t kMinCacheMs = 5 * 60 * 1000;
constexpr int64_t kDefaultCacheMs = 24 * kHour;
constexpr int64_t kMaxCacheMs = 48 * kHour;
constexpr int64_t kInvalidCacheMs = kHour;
constexpr int64_t kFirstFailureCacheMs = 60 * 1000;
constexpr int64_t kMaxFailureCacheMs = kHour;
constexpr int64_t kTimeoutMs = 10000;

std::optional<int64_t> maxAgeMs(const std::string& cache_control) {
  std::string lower = cache_control;
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower.find("no-store") != std::string::npos || lower.find("no-cache") != std::string::npos) {
    return 0;
  }
  const size_t at = lower.find("max-age=");
  if (at == std::string::npos) {
    return std::nullopt;
  }
  try {
    return std::stoll(lower.substr(at + 8)) * 1000;
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<int64_t> expiresMs(const std::string& expires) {
  std::tm tm{};
  const char* end = strptime(expires.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &tm);
  if (end == nullptr) {
    return std::nullopt;
  }
  return static_cast<int64_t>(timegm(&tm)) * 1000;
}

// The delegated name of a valid answer.
std::optional<std::string> delegation(const net::HttpResponse& r) {
  if (r.status != 200) {
    return std::nullopt;
  }
  const auto doc = json::tryParse(r.body);
  if (!doc || !doc->IsObject()) {
    return std::nullopt;
  }
  const auto server = json::optString(*doc, "m.server");
  if (!server || !core::isValidServerName(*server)) {
    return std::nullopt;
  }
  return server;
}

bool isRedirect(long status) {
  return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}
}  // namespace

int64_t wellKnownCacheMs(const net::HttpResponse& r, int64_t now_ms) {
  std::optional<int64_t> ms;
  if (const auto* cc = r.header("cache-control")) {
    ms = maxAgeMs(*cc);
  }
  if (!ms) {
    if (const auto* ex = r.header("expires")) {
      if (const auto at = expiresMs(*ex)) {
        ms = *at - now_ms;
      }
    }
  }
  return std::clamp(ms.value_or(kDefaultCacheMs), kMinCacheMs, kMaxCacheMs);
}

net::HttpResult WellKnownResolver::get(const std::string& host, int port, const std::string& path) {
  net::HttpResult refused;
  const auto parts = core::splitServerName(host);
  if (!parts) {
    refused.error = "not a host name: " + host;
    return refused;
  }
  std::optional<core::IpAddress> address;
  for (const auto& a : dns_.addresses(parts->host)) {
    if (client_.policy().allowed(a)) {
      address = a;
      break;
    }
    refused.refused_by_policy = true;
  }
  if (!address) {
    refused.error = refused.refused_by_policy ? host + " resolves only to refused addresses"
                                              : host + " does not resolve";
    return refused;
  }
  const std::string authority = parts->hostForUrl() + ":" + std::to_string(port);
  const std::string addr = address->v6 ? "[" + address->str() + "]" : address->str();
  net::HttpRequest req;
  req.url = "https://" + authority + path;
  req.connect_to = authority + ":" + addr + ":" + std::to_string(port);
  req.timeout_ms = kTimeoutMs;
  req.max_response_bytes = kMaxBytes;
  net::HttpResult r;
  try {
    r.response = client_.fetch(std::move(req));
  } catch (const net::NetError& e) {
    r.error = e.what();
  }
  return r;
}

std::optional<net::HttpResponse> WellKnownResolver::fetch(const std::string& hostname) {
  std::string host = hostname;
  int port = port_;
  std::string path = "/.well-known/matrix/server";
  std::set<std::string> seen;
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    if (!seen.insert(host + ":" + std::to_string(port) + path).second) {
      return std::nullopt;  // a redirect loop
    }
    net::HttpResult r = get(host, port, path);
    if (!r.response) {
      spdlog::debug("well-known of {}: {}", hostname, r.error);
      return std::nullopt;
    }
    const auto* location = r.response->header("location");
    if (!isRedirect(r.response->status) || location == nullptr) {
      return std::move(r.response);
    }
    if (location->rfind("/", 0) == 0) {
      path = *location;  // same host
      continue;
    }
    if (location->rfind("https://", 0) != 0) {
      return std::nullopt;  // never downgraded to plain HTTP
    }
    const std::string rest = location->substr(8);
    const size_t slash = rest.find('/');
    const auto parts = core::splitServerName(rest.substr(0, slash));
    if (!parts) {
      return std::nullopt;
    }
    host = parts->ipv6 ? "[" + parts->host + "]" : parts->host;
    port = parts->port != 0 ? parts->port : 443;
    path = slash == std::string::npos ? "/" : rest.substr(slash);
  }
  return std::nullopt;
}

std::optional<std::string> WellKnownResolver::delegatedName(const std::string& hostname) {
  const int64_t now = clock_.nowMs();
  int failures = 0;
  {
    std::lock_guard lock(mu_);
    auto it = cache_.find(hostname);
    if (it != cache_.end() && it->second.expires_ms > now) {
      return it->second.server;
    }
    failures = it == cache_.end() ? 0 : it->second.failures;
  }
  Entry e;
  const auto r = fetch(hostname);
  if (!r) {
    e.failures = failures + 1;
    e.expires_ms = now + std::min(kMaxFailureCacheMs, kFirstFailureCacheMs << std::min(failures, 10));
  } else if (auto server = delegation(*r)) {
    e.server = std::move(server);
    e.expires_ms = now + wellKnownCacheMs(*r, now);
  } else {
    e.expires_ms = now + kInvalidCacheMs;
  }
  std::lock_guard lock(mu_);
  cache_[hostname] = e;
  return e.server;
}

}  // namespace hs::fed
