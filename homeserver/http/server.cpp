#include "homeserver/http/server.h"

#include <netdb.h>
#include <netinet/in.h>
#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <stdexcept>
#include <vector>

#include "homeserver/http/reactor.h"
#include "homeserver/http/socket_stream.h"

namespace hs::http {

namespace {
constexpr int kListenBacklog = 4096;

int bindListener(const std::string& address, int port) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  const std::string service = std::to_string(port);
  const int rc = ::getaddrinfo(address.empty() ? nullptr : address.c_str(), service.c_str(), &hints,
                               &found);
  if (rc != 0) {
    throw std::runtime_error("cannot resolve " + address + ": " + gai_strerror(rc));
  }
  std::string error = "no address";
  int fd = -1;
  for (addrinfo* a = found; a != nullptr && fd < 0; a = a->ai_next) {
    fd = ::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol);
    const int one = 1;
    if (fd >= 0 && (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) != 0 ||
                    ::bind(fd, a->ai_addr, a->ai_addrlen) != 0 || ::listen(fd, kListenBacklog) != 0)) {
      error = std::strerror(errno);
      ::close(fd);
      fd = -1;
    }
  }
  ::freeaddrinfo(found);
  if (fd < 0) {
    throw std::runtime_error("cannot listen on " + address + ":" + service + ": " + error);
  }
  return fd;
}

int boundPort(int fd) {
  sockaddr_storage a{};
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  return a.ss_family == AF_INET6 ? ntohs(reinterpret_cast<sockaddr_in6*>(&a)->sin6_port)
                                 : ntohs(reinterpret_cast<sockaddr_in*>(&a)->sin_port);
}
}  // namespace

struct HttpServer::Impl {
  ServerOptions options;
  Dispatcher& dispatcher;
  core::ThreadPool& workers;
  Metrics& metrics;
  std::unique_ptr<TlsContext> tls;
  std::shared_ptr<ConnectionLimits> limits;  // shared with the metrics gauge
  std::unique_ptr<ServerContext> ctx;
  std::vector<std::unique_ptr<Reactor>> reactors;
  int listen_fd = -1;
  int port = 0;

  void shutDown() {
    for (auto& r : reactors) {
      r->stop();
    }
    reactors.clear();
    if (listen_fd >= 0) {
      ::close(listen_fd);
      listen_fd = -1;
    }
  }
};

HttpServer::HttpServer(ServerOptions options, Dispatcher& dispatcher, core::ThreadPool& workers,
                       Metrics& metrics)
    : impl_(new Impl{std::move(options), dispatcher, workers, metrics, {}, {}, {}, {}}) {}

HttpServer::~HttpServer() {
  if (impl_->ctx) {
    impl_->ctx->accepting = false;
  }
  impl_->shutDown();
}

void HttpServer::start() {
  Impl& s = *impl_;
  const ServerOptions& o = s.options;
  if (!o.tls_cert_path.empty() || !o.tls_key_path.empty()) {
    s.tls = std::make_unique<TlsContext>(o.tls_cert_path, o.tls_key_path);
  }
  s.limits = std::make_shared<ConnectionLimits>(o.max_connections, o.max_connections_per_ip);
  s.ctx = std::make_unique<ServerContext>(o, s.dispatcher, s.workers, s.metrics, *s.limits, s.tls.get());
  s.listen_fd = bindListener(o.bind_address, o.port);
  s.port = boundPort(s.listen_fd);
  std::shared_ptr<ConnectionLimits> limits = s.limits;
  s.metrics.addGauge("parley_http_open_connections", "Open client connections per listener.",
                     [limits] { return static_cast<double>(limits->open()); },
                     "listener=\"" + o.name + "\"");
  // Rising by far less than the requests served shows clients (other servers) reusing their
  // connections; a gauge because Metrics renders no counters of its own.
  s.metrics.addGauge("parley_http_connections_accepted", "Connections accepted per listener since start.",
                     [limits] { return static_cast<double>(limits->admittedSinceStart()); },
                     "listener=\"" + o.name + "\"");
  for (int i = 0; i < std::max(1, o.reactor_threads); ++i) {
    s.reactors.push_back(std::make_unique<Reactor>(*s.ctx, s.listen_fd));
    s.reactors.back()->start();
  }
  spdlog::debug("{} listener: at most {} connections ({} per address)", o.name,
                s.limits->maxTotal(), o.max_connections_per_ip);
}

int HttpServer::port() const { return impl_->port; }

size_t HttpServer::openConnections() const { return impl_->limits ? impl_->limits->open() : 0; }

void HttpServer::stop(std::chrono::milliseconds grace) {
  if (!impl_->ctx) {
    return;
  }
  impl_->ctx->accepting = false;
  if (!impl_->workers.drain(grace)) {
    spdlog::warn("shutdown: requests still running after {} ms", grace.count());
  }
  impl_->shutDown();
}

}  // namespace hs::http
