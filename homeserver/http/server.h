#pragma once
// The HTTP listener. Pistache's I/O threads only parse and hand each request to the worker
// pool; handlers run there and send their response from the worker thread (or later, for a
// deferred reply), so a slow handler never stalls other connections.
#include <chrono>
#include <memory>
#include <string>

#include "homeserver/core/thread_pool.h"
#include "homeserver/http/dispatch.h"

namespace hs::http {

struct ServerOptions {
  std::string bind_address = "127.0.0.1";
  int port = 0;  // 0 picks a free port; see HttpServer::port()
  int reactor_threads = 2;
  size_t max_request_size = 1024 * 1024;  // headers + body, enforced by Pistache itself
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{60000};
  std::string tls_cert_path;
  std::string tls_key_path;
};

class HttpServer {
 public:
  HttpServer(ServerOptions options, Dispatcher& dispatcher, core::ThreadPool& workers,
             Metrics& metrics);
  ~HttpServer();
  void start();
  int port() const;
  // Stops accepting work (new requests get 503), waits up to `grace` for in-flight handlers,
  // then closes the listener.
  void stop(std::chrono::milliseconds grace);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace hs::http
