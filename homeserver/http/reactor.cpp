#include "homeserver/http/reactor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <spdlog/spdlog.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstring>
#include <system_error>

#include "homeserver/http/access_log.h"
#include "homeserver/http/response_head.h"

namespace hs::http {

namespace {
constexpr uint64_t kListenTag = 0;
constexpr uint64_t kMailTag = 1;
constexpr int kMaxEvents = 256;
constexpr int kAcceptBatch = 64;
constexpr auto kTickEvery = std::chrono::milliseconds(250);
// Out of file descriptors: accepting again right away would spin on the same error.
constexpr auto kAcceptPause = std::chrono::milliseconds(100);
constexpr auto kRefusalLogEvery = std::chrono::seconds(10);

// The whole answer to a connection refused at a cap.
std::string tooManyConnections() {
  const Response res = serverErrorResponse(503, "Too many connections");
  return serializeHead(res, HeadFraming{res.body.size(), true, false}) + res.body;
}

std::string addressOf(const sockaddr_storage& a) {
  char buf[INET6_ADDRSTRLEN] = {0};
  if (a.ss_family == AF_INET) {
    const auto* v4 = reinterpret_cast<const sockaddr_in*>(&a);
    inet_ntop(AF_INET, &v4->sin_addr, buf, sizeof buf);
  } else if (a.ss_family == AF_INET6) {
    const auto* v6 = reinterpret_cast<const sockaddr_in6*>(&a);
    if (IN6_IS_ADDR_V4MAPPED(&v6->sin6_addr)) {
      inet_ntop(AF_INET, &v6->sin6_addr.s6_addr[12], buf, sizeof buf);
    } else {
      inet_ntop(AF_INET6, &v6->sin6_addr, buf, sizeof buf);
    }
  }
  return buf;
}

void addToEpoll(int epoll_fd, int fd, uint32_t events, uint64_t tag) {
  epoll_event ev{};
  ev.events = events;
  ev.data.u64 = tag;
  if (::epoll_ctl(epoll_fd, EPOLL_CTL_ADD, fd, &ev) != 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_ctl");
  }
}
}  // namespace

Reactor::Reactor(ServerContext& ctx, int listen_fd)
    : ctx_(ctx), listen_fd_(listen_fd), epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)),
      mailbox_(std::make_shared<Mailbox>()) {
  if (epoll_fd_ < 0) {
    throw std::system_error(errno, std::generic_category(), "epoll_create1");
  }
  addToEpoll(epoll_fd_, mailbox_->fd(), EPOLLIN, kMailTag);
  addToEpoll(epoll_fd_, listen_fd_, EPOLLIN | EPOLLEXCLUSIVE, kListenTag);
}

Reactor::~Reactor() {
  stop();
  ::close(epoll_fd_);
}

void Reactor::start() {
  thread_ = std::thread([this] { run(); });
}

void Reactor::stop() {
  if (!thread_.joinable()) {
    return;
  }
  stopping_ = true;
  mailbox_->wake();
  thread_.join();
  mailbox_->close();  // answers still to come find no connection: dropped
  connections_.clear();
}

void Reactor::run() {
  pthread_setname_np(pthread_self(), ("http-" + ctx_.options.name).substr(0, 15).c_str());
  next_tick_ = Clock::now() + kTickEvery;
  while (!stopping_.load()) {
    turn(revisit_.empty() ? static_cast<int>(kTickEvery.count()) : 0);
  }
  // Answers already handed over still go out, as far as the sockets take them now.
  const auto now = Clock::now();
  deliverMail(now);
  for (auto& [id, c] : connections_) {
    c->drive(now);
  }
}

void Reactor::turn(int timeout_ms) {
  epoll_event events[kMaxEvents];
  const int n = ::epoll_wait(epoll_fd_, events, kMaxEvents, timeout_ms);
  const auto now = Clock::now();
  for (int i = 0; i < n; ++i) {
    const uint64_t tag = events[i].data.u64;
    if (tag == kListenTag) {
      acceptSome(now);
    } else if (tag == kMailTag) {
      deliverMail(now);
    } else if (auto it = connections_.find(tag); it != connections_.end()) {
      it->second->onEvents(events[i].events, now);
      afterWork(*it->second);
    }
  }
  std::vector<uint64_t> again;
  again.swap(revisit_);
  for (uint64_t id : again) {
    if (auto it = connections_.find(id); it != connections_.end()) {
      it->second->drive(now);
      afterWork(*it->second);
    }
  }
  if (now >= next_tick_) {
    tick(now);
  }
  reap();
}

void Reactor::afterWork(Connection& c) {
  if (c.finished()) {
    finished_.push_back(c.id());
  } else if (c.needsRevisit()) {
    revisit_.push_back(c.id());
  }
}

void Reactor::reap() {
  for (uint64_t id : finished_) {
    auto it = connections_.find(id);
    if (it != connections_.end()) {
      ctx_.limits.release(it->second->remoteIp());
      connections_.erase(it);  // closes the socket, which leaves the epoll set with it
    }
  }
  finished_.clear();
}

void Reactor::tick(Clock::time_point now) {
  next_tick_ = now + kTickEvery;
  if (accept_paused_ && now >= accept_resume_at_) {
    addToEpoll(epoll_fd_, listen_fd_, EPOLLIN | EPOLLEXCLUSIVE, kListenTag);
    accept_paused_ = false;
  }
  for (auto& [id, c] : connections_) {
    if (c->tick(now)) {
      c->drive(now);  // an answer queued by a deadline goes out now
      afterWork(*c);
    }
  }
}

void Reactor::deliverMail(Clock::time_point now) {
  for (Delivery& d : mailbox_->take()) {
    auto it = connections_.find(d.connection);
    if (it == connections_.end()) {
      if (d.kind == Delivery::Kind::Response) {
        AccessEntry e{d.tag.request_id, d.tag.method, d.note.route, d.note.user,
                      kClientClosedStatus,
                      std::chrono::duration<double>(now - d.tag.started).count(),
                      "the client left before its answer (" + std::to_string(d.response.status) + ")"};
        logAccess(ctx_.metrics, e);
        closeFileOf(d);
      }
      continue;
    }
    Connection& c = *it->second;
    c.deliver(std::move(d), now);
    c.drive(now);
    afterWork(c);
  }
}

void Reactor::acceptSome(Clock::time_point now) {
  for (int i = 0; i < kAcceptBatch; ++i) {
    sockaddr_storage addr{};
    socklen_t len = sizeof addr;
    const int fd = ::accept4(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len,
                             SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd >= 0) {
      admit(fd, addr, now);
      continue;
    }
    if (errno == EAGAIN || errno == EWOULDBLOCK) {
      return;
    }
    if (errno == EINTR || errno == ECONNABORTED) {
      continue;
    }
    if (now >= next_refusal_log_) {
      spdlog::warn("{} listener: accept failed ({}); pausing new connections for {} ms",
                   ctx_.options.name, std::strerror(errno), kAcceptPause.count());
      next_refusal_log_ = now + kRefusalLogEvery;
    }
    return pauseAccepting(now);
  }
}

void Reactor::pauseAccepting(Clock::time_point now) {
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, listen_fd_, nullptr);
  accept_paused_ = true;
  accept_resume_at_ = now + kAcceptPause;
}

void Reactor::admit(int fd, const sockaddr_storage& addr, Clock::time_point now) {
  const std::string ip = addressOf(addr);
  auto verdict = ctx_.limits.admit(ip);
  if (verdict == ConnectionLimits::Verdict::OverTotal && evictIdle()) {
    verdict = ctx_.limits.admit(ip);
  }
  if (verdict != ConnectionLimits::Verdict::Admitted) {
    return refuseConnection(fd, ip,
                            verdict == ConnectionLimits::Verdict::OverTotal
                                ? "the listener's connection limit"
                                : "the per-address connection limit");
  }
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  SSL* ssl = nullptr;
  if (ctx_.tls != nullptr && (ssl = ctx_.tls->newSession(fd)) == nullptr) {
    ctx_.limits.release(ip);
    ::close(fd);
    return;
  }
  const uint64_t id = ctx_.next_connection++;
  auto c = std::make_unique<Connection>(ctx_, mailbox_, id, std::make_unique<SocketStream>(fd, ssl),
                                        ip, now);
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.u64 = id;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) {
    ctx_.limits.release(ip);
    return;  // the connection's destructor closes the socket
  }
  connections_.emplace(id, std::move(c));
}

// The oldest idle keep-alive connection of this reactor makes room for a new client.
bool Reactor::evictIdle() {
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->second->idle()) {
      it->second->close("evicted at the connection limit");
      ctx_.limits.release(it->second->remoteIp());
      connections_.erase(it);
      return true;
    }
  }
  return false;
}

void Reactor::refuseConnection(int fd, const std::string& address, const char* why) {
  if (ctx_.tls == nullptr) {
    thread_local char sink[4096];
    while (::recv(fd, sink, sizeof sink, MSG_DONTWAIT) > 0) {
    }
    const std::string answer = tooManyConnections();
    [[maybe_unused]] const ssize_t n =
        ::send(fd, answer.data(), answer.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
  }
  ::close(fd);
  ctx_.metrics.recordRequest("-", "(connection refused)", 503, 0);
  const auto now = Clock::now();
  if (now >= next_refusal_log_) {
    spdlog::warn("{} listener: refused a connection from {}: {}", ctx_.options.name, address, why);
    next_refusal_log_ = now + kRefusalLogEvery;
  }
}

}  // namespace hs::http
