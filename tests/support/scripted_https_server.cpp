#include "tests/support/scripted_https_server.h"

#include <map>
#include <mutex>

#include "homeserver/core/matrix_error.h"
#include "homeserver/core/thread_pool.h"
#include "homeserver/http/dispatch.h"
#include "homeserver/http/server.h"

namespace hs::test {

namespace {
class NoTokens final : public core::AccessTokenAuthenticator {
 public:
  core::Requester authenticate(const std::string&) override {
    throw core::MatrixError(core::ErrCode::UnknownToken, "no tokens here");
  }
};
}  // namespace

struct ScriptedHttpsServer::Impl {
  http::ServerOptions options;
  http::RouteTable routes;
  http::Metrics metrics;
  NoTokens tokens;
  core::ThreadPool workers{"scripted", 4, 1024};
  std::unique_ptr<http::Dispatcher> dispatcher;
  std::unique_ptr<http::HttpServer> server;
  mutable std::mutex mu;
  std::map<std::string, int> hits;  // guarded by mu
};

ScriptedHttpsServer::ScriptedHttpsServer(const std::string& cert_path, const std::string& key_path)
    : impl_(new Impl) {
  impl_->options.bind_address = "127.0.0.1";
  impl_->options.port = 0;
  impl_->options.tls_cert_path = cert_path;
  impl_->options.tls_key_path = key_path;
}

ScriptedHttpsServer::~ScriptedHttpsServer() {
  if (impl_->server) {
    impl_->server->stop(std::chrono::seconds(2));
  }
  impl_->workers.stop();
}

void ScriptedHttpsServer::on(const std::string& method, const std::string& path, Handler handler) {
  Impl* impl = impl_.get();
  impl_->routes.add(*http::RouteTable::parseMethod(method), path, http::Auth::None,
                    [impl, path, handler](http::Request& req, const http::Requester&) {
                      {
                        std::lock_guard lock(impl->mu);
                        ++impl->hits[path];
                      }
                      return handler(req);
                    });
}

void ScriptedHttpsServer::start() {
  impl_->dispatcher = std::make_unique<http::Dispatcher>(impl_->routes, impl_->tokens, impl_->metrics, 1 << 20);
  impl_->server = std::make_unique<http::HttpServer>(impl_->options, *impl_->dispatcher, impl_->workers,
                                                     impl_->metrics);
  impl_->server->start();
}

int ScriptedHttpsServer::port() const { return impl_->server->port(); }

int ScriptedHttpsServer::hits(const std::string& path) const {
  std::lock_guard lock(impl_->mu);
  auto it = impl_->hits.find(path);
  return it == impl_->hits.end() ? 0 : it->second;
}

}  // namespace hs::test
