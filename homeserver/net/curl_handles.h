#pragma once
// RAII for libcurl handles, shared by the HTTP loop and SMTP (internal to homeserver/net).
#include <curl/curl.h>

#include <memory>
#include <string>

#include "homeserver/net/outbound_client.h"

namespace hs::net {

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

inline CurlPtr newHandle() {
  CurlPtr c(curl_easy_init());
  if (!c) {
    throw NetError("curl_easy_init failed");
  }
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);  // many threads: no SIGALRM timeouts
  return c;
}

inline SlistPtr append(SlistPtr list, const std::string& item) {
  curl_slist* raw = curl_slist_append(list.get(), item.c_str());
  if (raw == nullptr) {
    throw NetError("curl_slist_append failed");
  }
  list.release();
  return SlistPtr(raw);
}

}  // namespace hs::net
