#pragma once
// The one outbound network client (libcurl), owned by the application: HTTP(S) for federation
// and push gateways, SMTP for email.
//
// HTTP requests run on one event loop (libcurl's multi interface): a slow or dead destination
// holds a socket and a timer, never a thread, so hundreds of them cost nothing but memory.
// Connections are kept and reused per host. Every connection is checked against the address
// policy *after* DNS (a name resolving to a private address is refused like the literal), and
// TLS trusts the system store plus the configured extra anchors; there is no switch that turns
// verification off. SMTP calls block (email runs on its own pool).
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <utility>
#include <vector>

#include "homeserver/core/ip_range.h"

namespace hs::net {

class NetError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct HttpRequest {
  std::string method = "GET";
  std::string url;                   // http:// or https:// only
  std::vector<std::string> headers;  // "Name: value" lines
  std::string body;                  // sent when not empty, or always for PUT/POST
  int64_t timeout_ms = 30000;        // the whole exchange, connecting included
  size_t max_response_bytes = 1024 * 1024;
  // "host:port:address:port": connect there instead of resolving the URL's host (server
  // discovery resolved it); the URL's host stays the TLS name and certificate name.
  std::string connect_to;
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;  // lower-case names, in order
  const std::string* header(const std::string& lower_name) const;
};

// A response, or why there is none.
struct HttpResult {
  std::optional<HttpResponse> response;
  std::string error;              // set when there is no response
  bool refused_by_policy = false;  // the (resolved) address is on a refused range
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

struct OutboundOptions {
  core::AddressPolicy policy;  // every HTTP connection is checked against it
  std::string extra_ca_file;   // PEM anchors trusted besides the system store; "" for none
  long max_host_connections = 8;
};

class OutboundClient {
 public:
  using Callback = std::function<void(HttpResult)>;

  // Loads the extra anchors (throws NetError when the file is unreadable or has no
  // certificate) and starts the event loop thread.
  explicit OutboundClient(OutboundOptions options = {});
  ~OutboundClient();  // stop()s
  // Completes every unfinished request with an error (their callbacks run now, while their
  // owners still exist) and refuses new ones. The application calls it before tearing down
  // the services that start requests.
  void stop();
  OutboundClient(const OutboundClient&) = delete;
  OutboundClient& operator=(const OutboundClient&) = delete;

  // Starts a request; `done` runs exactly once on the loop thread, so it must be quick (post
  // database work to a pool). Never throws for transport problems: they arrive as errors.
  void start(HttpRequest request, Callback done);
  // Blocking form for pool threads (never the loop thread): throws NetError when there is no
  // response; any HTTP status is returned.
  HttpResponse fetch(HttpRequest request);
  // POSTs a JSON body (push gateways). No redirects, the response capped at 1 MiB.
  HttpResponse postJson(const std::string& url, const std::string& body, int64_t timeout_ms);
  // Sends one message; throws NetError when the server cannot be reached or refuses it.
  void sendMail(const SmtpSettings& smtp, const Mail& mail);

  const core::AddressPolicy& policy() const;
  size_t inFlight() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hs::net
