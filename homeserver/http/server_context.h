#pragma once
// What every reactor and connection of one listener shares: its options, the dispatcher and
// worker pool requests go to, the metrics, the connection caps and the TLS settings.
#include <atomic>
#include <chrono>
#include <cstdint>
#include <string>

#include "homeserver/core/thread_pool.h"
#include "homeserver/http/connection_limits.h"
#include "homeserver/http/dispatch.h"
#include "homeserver/http/request_parser.h"

namespace hs::http {

class TlsContext;

// Longest wait any handler allows a long-poll (/sync's timeout is clamped to 5 minutes, the
// media wait to 1 minute): a parked request is answered by its handler before this.
inline constexpr std::chrono::milliseconds kMaxLongPoll{5 * 60 * 1000};

struct ServerOptions {
  std::string name = "client";  // the listener's name in logs and metrics
  std::string bind_address = "127.0.0.1";
  int port = 0;  // 0 picks a free port; see HttpServer::port()
  int reactor_threads = 2;
  // An upper bound on any request body, whatever its route allows.
  size_t max_request_size = 1024 * 1024;
  HeadLimits head_limits;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{60000};  // silence allowed between pieces of a body
  std::chrono::milliseconds handler_timeout{60000};
  // A parked (deferred) request is answered 504 if its handler has not answered by then.
  std::chrono::milliseconds long_poll_timeout = kMaxLongPoll + std::chrono::minutes(1);
  std::chrono::milliseconds idle_timeout{75000};
  std::chrono::milliseconds send_timeout{60000};
  size_t max_connections = 0;  // 0: the open-file limit less a reserve (see connection_limits.h)
  size_t max_connections_per_ip = 1000;  // 0: no per-address cap
  std::string tls_cert_path;  // both set: the listener speaks TLS only
  std::string tls_key_path;
};

struct ServerContext {
  ServerContext(const ServerOptions& o, Dispatcher& d, core::ThreadPool& w, Metrics& m,
                ConnectionLimits& l, const TlsContext* t)
      : options(o), dispatcher(d), workers(w), metrics(m), limits(l), tls(t) {}
  const ServerOptions& options;
  Dispatcher& dispatcher;
  core::ThreadPool& workers;
  Metrics& metrics;
  ConnectionLimits& limits;
  const TlsContext* tls;  // null: plain HTTP
  std::atomic<bool> accepting{true};
  std::atomic<uint64_t> next_connection{2};  // 0 and 1 tag the listener and mailbox in epoll
};

}  // namespace hs::http
