#pragma once
// The one outbound network client (libcurl): HTTP POSTs for push gateways (and, later,
// federation) and SMTP for email. Calls block until done or timed out, so callers run them on
// a named pool, never on a request thread holding a database lease. Transport failures throw
// NetError with a message for the log; callers decide what the client is told.
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace hs::net {

class NetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

struct SmtpSettings {
  std::string host;
  int port = 25;
  std::string security = "none";  // none | starttls | tls (implicit TLS, "smtps")
  std::string username;           // empty: no AUTH
  std::string password;
  std::string ca_file;            // empty: the system's CA store
  bool verify_tls = true;
  int64_t timeout_ms = 15000;
};

struct Mail {
  std::string envelope_from;  // bare address, e.g. noreply@example.org
  std::vector<std::string> recipients;
  std::string message;  // the whole RFC 5322 message, CRLF line endings
};

class OutboundClient {
 public:
  OutboundClient();  // initialises libcurl once per process
  OutboundClient(const OutboundClient&) = delete;
  OutboundClient& operator=(const OutboundClient&) = delete;

  // POSTs a JSON body; any HTTP status is returned, transport errors throw NetError. Only
  // http and https, no redirects, the response body capped at 1 MiB.
  HttpResponse postJson(const std::string& url, const std::string& body, int64_t timeout_ms);
  // Sends one message; throws NetError when the server cannot be reached or refuses it.
  void sendMail(const SmtpSettings& smtp, const Mail& mail);
};

}  // namespace hs::net
