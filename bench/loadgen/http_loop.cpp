#include "bench/loadgen/http_loop.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace bench {

struct HttpLoop::Conn {
  int index = 0;
  int fd = -1;
  bool connecting = false;
  bool reused = false;   // has already carried a response: the server may have closed it
  bool retried = false;  // a stale keep-alive connection gets one retry
  bool busy = false;
  std::string out;  // request bytes not written yet
  size_t out_off = 0;
  std::string in;       // response bytes read so far
  std::string request;  // kept for the retry
  HttpCallback done;
  SteadyClock::time_point start;
  // Parse state of the response being read.
  size_t header_end = 0;  // offset of the body, 0 while the header is incomplete
  int status = 0;
  int64_t content_length = -1;
  bool chunked = false;
  bool close_after = false;
};

namespace {
// Case-insensitive search for a header line's value in the raw header block.
std::string headerValue(const std::string& head, const char* name) {
  const size_t n = std::strlen(name);
  size_t pos = head.find("\r\n");
  while (pos != std::string::npos && pos + 2 < head.size()) {
    const size_t line = pos + 2;
    const size_t eol = head.find("\r\n", line);
    if (eol == std::string::npos || eol == line) {
      break;
    }
    if (eol - line > n && head[line + n] == ':' && strncasecmp(head.c_str() + line, name, n) == 0) {
      size_t v = line + n + 1;
      while (v < eol && head[v] == ' ') {
        ++v;
      }
      return head.substr(v, eol - v);
    }
    pos = eol;
  }
  return "";
}

// Decodes a complete chunked body starting at `from`; false while incomplete.
bool dechunk(const std::string& in, size_t from, std::string& body, size_t& consumed) {
  size_t p = from;
  body.clear();
  for (;;) {
    const size_t eol = in.find("\r\n", p);
    if (eol == std::string::npos) {
      return false;
    }
    const size_t len = std::stoul(in.substr(p, eol - p), nullptr, 16);
    if (len == 0) {
      const size_t end = in.find("\r\n", eol + 2);  // no trailers are expected
      if (end == std::string::npos) {
        return false;
      }
      consumed = end + 2;
      return true;
    }
    if (in.size() < eol + 2 + len + 2) {
      return false;
    }
    body.append(in, eol + 2, len);
    p = eol + 2 + len + 2;
  }
}
}  // namespace

HttpLoop::HttpLoop(std::string host, int port)
    : host_(std::move(host)), port_(port), host_header_(host_ + ":" + std::to_string(port)) {
  epfd_ = epoll_create1(EPOLL_CLOEXEC);
  if (epfd_ < 0) {
    throw std::runtime_error("epoll_create1 failed");
  }
}

HttpLoop::~HttpLoop() {
  for (auto& c : conns_) {
    if (c->fd >= 0) {
      ::close(c->fd);
    }
  }
  ::close(epfd_);
}

int HttpLoop::addConnection() {
  auto c = std::make_unique<Conn>();
  c->index = static_cast<int>(conns_.size());
  conns_.push_back(std::move(c));
  return conns_.back()->index;
}

bool HttpLoop::busy(int conn) const { return conns_[conn]->busy; }

void HttpLoop::connect(Conn& c) {
  c.fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (c.fd < 0) {
    throw std::runtime_error(std::string("socket: ") + std::strerror(errno));
  }
  int one = 1;
  setsockopt(c.fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port_));
  inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
  const int rc = ::connect(c.fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  c.connecting = rc != 0;
  if (rc != 0 && errno != EINPROGRESS) {
    throw std::runtime_error(std::string("connect: ") + std::strerror(errno));
  }
  c.reused = false;
  epoll_event ev{};
  ev.events = EPOLLIN | EPOLLOUT;
  ev.data.u32 = static_cast<uint32_t>(c.index);
  epoll_ctl(epfd_, EPOLL_CTL_ADD, c.fd, &ev);
}

void HttpLoop::closeConn(Conn& c) {
  if (c.fd >= 0) {
    epoll_ctl(epfd_, EPOLL_CTL_DEL, c.fd, nullptr);
    ::close(c.fd);
    c.fd = -1;
  }
  c.in.clear();
  c.header_end = 0;
}

void HttpLoop::watch(Conn& c, bool want_write) {
  epoll_event ev{};
  ev.events = EPOLLIN | (want_write ? EPOLLOUT : 0u);
  ev.data.u32 = static_cast<uint32_t>(c.index);
  epoll_ctl(epfd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void HttpLoop::send(int conn, const HttpRequest& req, HttpCallback done) {
  Conn& c = *conns_[conn];
  if (c.busy) {
    throw std::logic_error("HttpLoop::send on a busy connection");
  }
  std::string r;
  r.reserve(256 + req.body.size() + req.path.size());
  r.append(req.method)
      .append(" ")
      .append(req.path)
      .append(" HTTP/1.1\r\nHost: ")
      .append(host_header_);
  if (!req.token.empty()) {
    r.append("\r\nAuthorization: Bearer ").append(req.token);
  }
  if (!req.body.empty() || req.method == "PUT" || req.method == "POST") {
    r.append("\r\nContent-Type: application/json\r\nContent-Length: ")
        .append(std::to_string(req.body.size()));
  }
  r.append("\r\n\r\n").append(req.body);
  c.request = std::move(r);
  c.retried = false;
  c.busy = true;
  c.done = std::move(done);
  c.start = SteadyClock::now();
  ++in_flight_;
  c.out = c.request;
  c.out_off = 0;
  if (c.fd < 0) {
    connect(c);
    return;  // written once the connection is up
  }
  onWritable(c);
}

void HttpLoop::onWritable(Conn& c) {
  if (c.connecting) {
    int err = 0;
    socklen_t len = sizeof err;
    getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      fail(c, std::string("connect: ") + std::strerror(err));
      return;
    }
    c.connecting = false;
  }
  while (c.out_off < c.out.size()) {
    const ssize_t n =
        ::send(c.fd, c.out.data() + c.out_off, c.out.size() - c.out_off, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EAGAIN) {
        watch(c, true);
        return;
      }
      fail(c, std::string("send: ") + std::strerror(errno));
      return;
    }
    c.out_off += static_cast<size_t>(n);
  }
  c.out.clear();
  c.out_off = 0;
  watch(c, false);
}

void HttpLoop::onReadable(Conn& c) {
  char buf[65536];
  for (;;) {
    const ssize_t n = ::recv(c.fd, buf, sizeof buf, 0);
    if (n > 0) {
      c.in.append(buf, static_cast<size_t>(n));
      if (static_cast<size_t>(n) < sizeof buf) {
        break;
      }
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      break;
    }
    // EOF or error. A reused connection the server closed while idle is retried once.
    const bool nothing_read = c.in.empty();
    const std::string why = n == 0 ? "connection closed by server" : std::strerror(errno);
    closeConn(c);
    if (c.busy && nothing_read && c.reused && !c.retried) {
      c.retried = true;
      c.out = c.request;
      c.out_off = 0;
      connect(c);
      return;
    }
    if (c.busy) {
      fail(c, why);
    }
    return;
  }
  while (c.busy && parseResponse(c)) {
  }
}

bool HttpLoop::parseResponse(Conn& c) {
  if (c.header_end == 0) {
    const size_t end = c.in.find("\r\n\r\n");
    if (end == std::string::npos) {
      return false;
    }
    const std::string head = c.in.substr(0, end + 2);
    c.header_end = end + 4;
    c.status = head.size() > 12 ? std::atoi(head.c_str() + 9) : 0;
    const std::string cl = headerValue(head, "Content-Length");
    c.content_length = cl.empty() ? -1 : std::stoll(cl);
    c.chunked = strcasecmp(headerValue(head, "Transfer-Encoding").c_str(), "chunked") == 0;
    c.close_after = strcasecmp(headerValue(head, "Connection").c_str(), "close") == 0;
  }
  HttpResponse res;
  size_t consumed = 0;
  if (c.chunked) {
    if (!dechunk(c.in, c.header_end, res.body, consumed)) {
      return false;
    }
  } else {
    const size_t len = c.content_length < 0 ? 0 : static_cast<size_t>(c.content_length);
    if (c.in.size() < c.header_end + len) {
      return false;
    }
    res.body.assign(c.in, c.header_end, len);
    consumed = c.header_end + len;
  }
  res.status = c.status;
  c.in.erase(0, consumed);
  c.header_end = 0;
  c.reused = true;
  if (c.close_after) {
    closeConn(c);
  }
  finish(c, res);
  return true;
}

void HttpLoop::finish(Conn& c, HttpResponse& res) {
  res.latency_ms = std::chrono::duration<double, std::milli>(SteadyClock::now() - c.start).count();
  c.busy = false;
  --in_flight_;
  HttpCallback done = std::move(c.done);
  c.done = nullptr;
  done(res);  // may send the next request on this connection
}

void HttpLoop::fail(Conn& c, const std::string& why) {
  closeConn(c);
  HttpResponse res;
  res.error = why;
  finish(c, res);
}

void HttpLoop::after(double ms, std::function<void()> fn) {
  const auto at = SteadyClock::now() + std::chrono::microseconds(static_cast<int64_t>(ms * 1000));
  timers_.push(Timer{at, timer_seq_++, std::move(fn)});
}

int HttpLoop::nextTimeoutMs() {
  if (timers_.empty()) {
    return 1000;
  }
  const auto wait = timers_.top().at - SteadyClock::now();
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(wait).count();
  return ms <= 0 ? 0 : static_cast<int>(std::min<int64_t>(ms + 1, 1000));
}

void HttpLoop::runDueTimers() {
  const auto now = SteadyClock::now();
  while (!timers_.empty() && timers_.top().at <= now) {
    auto fn = timers_.top().fn;
    timers_.pop();
    fn();
  }
}

void HttpLoop::run() {
  stopped_ = false;
  epoll_event events[256];
  while (!stopped_ && (in_flight_ > 0 || !timers_.empty())) {
    const int n = epoll_wait(epfd_, events, 256, nextTimeoutMs());
    for (int i = 0; i < n; ++i) {
      Conn& c = *conns_[events[i].data.u32];
      if (c.fd < 0) {
        continue;
      }
      if (events[i].events & (EPOLLOUT | EPOLLERR)) {
        if (c.connecting || !c.out.empty()) {
          onWritable(c);
        }
      }
      if (c.fd >= 0 && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR))) {
        onReadable(c);
      }
    }
    runDueTimers();
  }
}

std::string urlEncode(const std::string& s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char ch : s) {
    if (std::isalnum(ch) || ch == '-' || ch == '_' || ch == '.' || ch == '~') {
      out += static_cast<char>(ch);
    } else {
      out += '%';
      out += kHex[ch >> 4];
      out += kHex[ch & 15];
    }
  }
  return out;
}

}  // namespace bench
