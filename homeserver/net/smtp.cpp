// OutboundClient::sendMail: one blocking SMTP exchange per call (email has its own pool).
#include <algorithm>
#include <cstring>

#include "homeserver/net/curl_handles.h"
#include "homeserver/net/outbound_client.h"

namespace hs::net {

namespace {
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
