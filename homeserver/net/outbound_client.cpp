#include "homeserver/net/outbound_client.h"

#include <curl/curl.h>

#include <algorithm>
#include <cstring>
#include <memory>
#include <mutex>

namespace hs::net {

namespace {
constexpr size_t kMaxResponseBytes = 1024 * 1024;

struct CurlDeleter {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using CurlPtr = std::unique_ptr<CURL, CurlDeleter>;
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

CurlPtr newHandle() {
  CurlPtr c(curl_easy_init());
  if (!c) {
    throw NetError("curl_easy_init failed");
  }
  curl_easy_setopt(c.get(), CURLOPT_NOSIGNAL, 1L);  // many threads: no SIGALRM timeouts
  return c;
}

SlistPtr append(SlistPtr list, const std::string& item) {
  curl_slist* raw = curl_slist_append(list.get(), item.c_str());
  if (raw == nullptr) {
    throw NetError("curl_slist_append failed");
  }
  list.release();
  return SlistPtr(raw);
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  const size_t bytes = size * n;
  if (body->size() + bytes > kMaxResponseBytes) {
    return 0;  // makes curl fail with CURLE_WRITE_ERROR
  }
  body->append(data, bytes);
  return bytes;
}

struct Upload {
  const std::string* data;
  size_t offset = 0;
};

size_t feed(char* buffer, size_t size, size_t n, void* in) {
  auto* up = static_cast<Upload*>(in);
  const size_t room = size * n;
  const size_t left = up->data->size() - up->offset;
  const size_t count = std::min(room, left);
  std::memcpy(buffer, up->data->data() + up->offset, count);
  up->offset += count;
  return count;
}

void perform(CURL* c, const std::string& what) {
  char error[CURL_ERROR_SIZE] = {0};
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  const CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) {
    throw NetError(what + ": " + (error[0] != '\0' ? error : curl_easy_strerror(rc)));
  }
}
}  // namespace

OutboundClient::OutboundClient() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

HttpResponse OutboundClient::postJson(const std::string& url, const std::string& body,
                                      int64_t timeout_ms) {
  CurlPtr c = newHandle();
  SlistPtr headers = append(SlistPtr(), "Content-Type: application/json");
  HttpResponse out;
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "http,https");
  curl_easy_setopt(c.get(), CURLOPT_FOLLOWLOCATION, 0L);
  curl_easy_setopt(c.get(), CURLOPT_POST, 1L);
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(c.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  curl_easy_setopt(c.get(), CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c.get(), CURLOPT_WRITEFUNCTION, collect);
  curl_easy_setopt(c.get(), CURLOPT_WRITEDATA, &out.body);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_ms));
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(timeout_ms));
  perform(c.get(), "POST " + url);
  curl_easy_getinfo(c.get(), CURLINFO_RESPONSE_CODE, &out.status);
  return out;
}

void OutboundClient::sendMail(const SmtpSettings& smtp, const Mail& mail) {
  CurlPtr c = newHandle();
  const std::string scheme = smtp.security == "tls" ? "smtps://" : "smtp://";
  const std::string url = scheme + smtp.host + ":" + std::to_string(smtp.port);
  SlistPtr rcpt;
  for (const auto& r : mail.recipients) {
    rcpt = append(std::move(rcpt), "<" + r + ">");
  }
  const std::string from = "<" + mail.envelope_from + ">";
  Upload up{&mail.message};
  curl_easy_setopt(c.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(c.get(), CURLOPT_PROTOCOLS_STR, "smtp,smtps");
  curl_easy_setopt(c.get(), CURLOPT_USE_SSL,
                   smtp.security == "none" ? static_cast<long>(CURLUSESSL_NONE)
                                           : static_cast<long>(CURLUSESSL_ALL));
  if (!smtp.ca_file.empty()) {
    curl_easy_setopt(c.get(), CURLOPT_CAINFO, smtp.ca_file.c_str());
  }
  curl_easy_setopt(c.get(), CURLOPT_SSL_VERIFYPEER, smtp.verify_tls ? 1L : 0L);
  curl_easy_setopt(c.get(), CURLOPT_SSL_VERIFYHOST, smtp.verify_tls ? 2L : 0L);
  if (!smtp.username.empty()) {
    curl_easy_setopt(c.get(), CURLOPT_USERNAME, smtp.username.c_str());
    curl_easy_setopt(c.get(), CURLOPT_PASSWORD, smtp.password.c_str());
  }
  curl_easy_setopt(c.get(), CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c.get(), CURLOPT_MAIL_RCPT, rcpt.get());
  curl_easy_setopt(c.get(), CURLOPT_READFUNCTION, feed);
  curl_easy_setopt(c.get(), CURLOPT_READDATA, &up);
  curl_easy_setopt(c.get(), CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c.get(), CURLOPT_TIMEOUT_MS, static_cast<long>(smtp.timeout_ms));
  curl_easy_setopt(c.get(), CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(smtp.timeout_ms));
  perform(c.get(), "SMTP " + url);
}

}  // namespace hs::net
