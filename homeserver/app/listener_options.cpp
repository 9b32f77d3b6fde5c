#include "homeserver/app/listener_options.h"

#include <algorithm>

namespace hs {

http::ServerOptions listenerOptions(const std::string& name, const config::Listener& l,
                                    const config::Config& c) {
  http::ServerOptions o;
  o.name = name;
  o.bind_address = l.bind_address;
  o.port = l.port;
  o.tls_cert_path = l.tls_cert_path;
  o.tls_key_path = l.tls_key_path;
  o.reactor_threads = c.http.reactor_threads;
  // Each route's own limit applies (JSON bodies, uploads); this only bounds them all.
  o.max_request_size = static_cast<size_t>(std::max(c.media.max_upload_size, c.http.max_json_body));
  o.head_limits.max_request_line = static_cast<size_t>(c.http.max_request_line_bytes);
  o.head_limits.max_header_block = static_cast<size_t>(c.http.max_header_bytes);
  o.header_timeout = std::chrono::milliseconds(c.http.header_timeout_ms);
  o.body_timeout = std::chrono::milliseconds(c.http.body_timeout_ms);
  o.handler_timeout = std::chrono::milliseconds(c.http.request_timeout_ms);
  o.idle_timeout = std::chrono::milliseconds(c.http.idle_timeout_ms);
  o.send_timeout = std::chrono::milliseconds(c.http.send_timeout_ms);
  o.max_connections = static_cast<size_t>(c.http.max_connections);
  o.max_connections_per_ip = static_cast<size_t>(c.http.max_connections_per_ip);
  return o;
}

}  // namespace hs
