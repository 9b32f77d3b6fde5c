#pragma once
// An HTTP/1.1 listener: Parley's own framing (homeserver/http/request_parser.h,
// chunked_decoder.h) over its own epoll reactors (reactor.h, connection.h), TLS by OpenSSL on
// the same reactors. Reactor threads only read, frame and write; handlers run on the worker
// pool and answer from there (or later, for a deferred reply), so a slow handler never stalls
// other connections.
//
// Pistache 0.0.5's server stack is no longer used: its HTTP parser timed out every request that
// took a handler longer than its header timeout (every /sync long-poll), re-parsed headers
// quadratically, dropped pipelined requests and spun on chunked bodies; its TCP layer does the
// TLS handshake in the blocking accept thread (one silent client stops the listener), spins on
// EMFILE, reads each connection until EAGAIN with no budget (no fairness, no backpressure for
// streamed uploads) and queues writes by file descriptor number, so a late long-poll answer can
// reach a new connection that reused the number.
#include <chrono>
#include <memory>
#include <string>

#include "homeserver/core/thread_pool.h"
#include "homeserver/http/dispatch.h"
#include "homeserver/http/server_context.h"

namespace hs::http {

class HttpServer {
 public:
  HttpServer(ServerOptions options, Dispatcher& dispatcher, core::ThreadPool& workers,
             Metrics& metrics);
  ~HttpServer();
  // Binds and starts serving; throws std::runtime_error when the address cannot be bound or
  // the TLS files cannot be used.
  void start();
  int port() const;
  // Stops accepting work (new requests get 503), waits up to `grace` for in-flight handlers,
  // then closes the listener and every connection.
  void stop(std::chrono::milliseconds grace);
  size_t openConnections() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hs::http
