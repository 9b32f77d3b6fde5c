#include "media/url_preview/url_preview.h"

#include <algorithm>
#include <cctype>
#include <future>
#include <memory>

#include "homeserver/core/matrix_error.h"
#include "media/url_preview/open_graph.h"

namespace hs::media {

using core::ErrCode;
using core::MatrixError;

namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

// A redirect's Location against the URL it answered: absolute, or a path on the same origin.
std::string resolveLocation(const std::string& base, const std::string& location) {
  if (isHttpUrl(location)) {
    return location;
  }
  if (!location.empty() && location[0] == '/' && (location.size() == 1 || location[1] != '/')) {
    const size_t host_start = base.find("://") + 3;
    return base.substr(0, base.find('/', host_start)) + location;
  }
  throw MatrixError(ErrCode::Unknown, "The page redirects somewhere it cannot be followed", 502);
}

// The blocking form of OutboundClient::start that keeps refused_by_policy (fetch() folds it
// into an error text).
net::HttpResult fetchResult(net::OutboundClient& client, net::HttpRequest request) {
  auto promise = std::make_shared<std::promise<net::HttpResult>>();
  auto future = promise->get_future();
  client.start(std::move(request), [promise](net::HttpResult r) { promise->set_value(std::move(r)); });
  return future.get();
}

}  // namespace

bool isHttpUrl(const std::string& url) {
  const std::string l = lower(url.substr(0, 8));
  const size_t scheme = l.rfind("https://", 0) == 0 ? 8 : l.rfind("http://", 0) == 0 ? 7 : 0;
  return scheme != 0 && url.size() > scheme && url[scheme] != '/' &&
         url.find_first_of(" \t\r\n") == std::string::npos;
}

std::string UrlPreviewService::preview(const std::string& url) {
  if (!isHttpUrl(url)) {
    throw MatrixError(ErrCode::InvalidParam, "url must be an http or https URL");
  }
  const int64_t now = clock_.nowMs();
  {
    std::lock_guard<std::mutex> lock(mu_);
    const auto it = cache_.find(url);
    if (it != cache_.end() && it->second.expires_at > now) {
      return it->second.json;
    }
  }
  std::string json = fetch(url);
  std::lock_guard<std::mutex> lock(mu_);
  if (cache_.size() >= kMaxCached) {
    std::erase_if(cache_, [now](const auto& kv) { return kv.second.expires_at <= now; });
    if (cache_.size() >= kMaxCached) {
      cache_.clear();  // bounded memory beats a perfect eviction order here
    }
  }
  cache_[url] = Cached{now + settings_.cache_ms, json};
  return json;
}

std::string UrlPreviewService::fetch(const std::string& url) {
  std::string current = url;
  for (int hop = 0; hop <= kMaxRedirects; ++hop) {
    net::HttpRequest request;
    request.url = current;
    request.headers = {"Accept: text/html,application/xhtml+xml", "User-Agent: Parley URL preview"};
    request.timeout_ms = settings_.timeout_ms;
    request.max_response_bytes = static_cast<size_t>(settings_.max_size);
    const net::HttpResult result = fetchResult(client_, std::move(request));
    if (result.refused_by_policy) {
      throw MatrixError(ErrCode::Forbidden, "The URL's address is not allowed");
    }
    if (!result.response) {
      throw MatrixError(ErrCode::Unknown, "Could not fetch the URL: " + result.error, 502);
    }
    const net::HttpResponse& r = *result.response;
    if (r.status >= 300 && r.status < 400) {
      const std::string* location = r.header("location");
      if (location == nullptr) {
        break;
      }
      current = resolveLocation(current, *location);
      continue;
    }
    if (r.status != 200) {
      throw MatrixError(ErrCode::Unknown, "The URL answered " + std::to_string(r.status), 502);
    }
    const std::string* type = r.header("content-type");
    if (type == nullptr || lower(*type).find("html") == std::string::npos) {
      return "{}";  // not a page: nothing to show (images are not fetched, see open_graph.h)
    }
    return openGraphJson(r.body, current);
  }
  throw MatrixError(ErrCode::Unknown, "Too many redirects", 502);
}

}  // namespace hs::media
