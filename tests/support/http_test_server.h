#pragma once
// A standalone HttpServer (no database, no App) with routes made for tests of the HTTP layer
// itself: fast and slow handlers, a deferred one, an echo, a counter, a file, and a streaming
// upload whose sink can be slowed down. Everything runs in this process over real loopback
// sockets.
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "homeserver/core/thread_pool.h"
#include "homeserver/http/dispatch.h"
#include "homeserver/http/server.h"

namespace hs::test {

class HttpTestServer {
 public:
  static constexpr int64_t kJsonLimit = 64 * 1024;
  static constexpr int64_t kUploadLimit = 256LL << 20;

  // `tweak` edits the options before the server starts (short timeouts, caps, TLS files).
  explicit HttpTestServer(const std::function<void(http::ServerOptions&)>& tweak = {});
  ~HttpTestServer();
  int port() const { return server_->port(); }
  http::Metrics& metrics() { return metrics_; }
  http::HttpServer& server() { return *server_; }
  // How many POST /count requests the handler has run.
  int counted() const { return counted_.load(); }
  // Bytes the streaming sinks have been given, over all uploads, and how many sinks exist now.
  int64_t streamedBytes() const { return streamed_.load(); }
  int openSinks() const { return open_sinks_.load(); }
  // The metric line for `route` and `status`, or "" (for access-log assertions).
  std::string requestCount(const std::string& method, const std::string& route, int status);
  std::string filePath() const { return file_path_; }

 private:
  class Auth;
  class Sink;
  void addRoutes();
  std::unique_ptr<Auth> auth_;
  http::RouteTable routes_;
  http::Metrics metrics_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
  std::unique_ptr<core::ThreadPool> workers_;
  std::unique_ptr<http::HttpServer> server_;
  std::atomic<int> counted_{0};
  std::atomic<int64_t> streamed_{0};
  std::atomic<int> open_sinks_{0};
  std::mutex timers_mu_;
  std::vector<std::thread> timers_;  // guarded by timers_mu_: deferred answers
  std::string file_path_;
};

}  // namespace hs::test
