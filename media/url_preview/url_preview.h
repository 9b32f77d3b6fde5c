#pragma once
// URL previews (GET /preview_url): the page is fetched through the one outbound client, so
// the address policy applies after DNS (private and loopback addresses are refused unless
// federation.ip_range_whitelist allows them), with a size cap and a time limit, following at
// most kMaxRedirects redirects, each checked again. Previews are cached in memory.
#include <cstdint>
#include <map>
#include <mutex>
#include <string>

#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/net/outbound_client.h"

namespace hs::media {

class UrlPreviewService {
 public:
  static constexpr int kMaxRedirects = 3;
  static constexpr size_t kMaxCached = 1000;

  UrlPreviewService(const config::UrlPreview& settings, net::OutboundClient& client, const core::Clock& clock)
      : settings_(settings), client_(client), clock_(clock) {}

  // Blocks (run it on the outbound pool). The Open Graph JSON of `url`; MatrixError 400 for a
  // URL that is not http(s), 403 for an address the policy refuses, 502 when the page cannot
  // be fetched (error status, too large, too slow).
  std::string preview(const std::string& url);

 private:
  std::string fetch(const std::string& url);
  struct Cached {
    int64_t expires_at = 0;
    std::string json;
  };
  const config::UrlPreview& settings_;
  net::OutboundClient& client_;
  const core::Clock& clock_;
  std::mutex mu_;
  std::map<std::string, Cached> cache_;  // guarded by mu_
};

// Whether `url` is an absolute http:// or https:// URL with a host.
bool isHttpUrl(const std::string& url);

}  // namespace hs::media
