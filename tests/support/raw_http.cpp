#include "tests/support/raw_http.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <fstream>
#include <sstream>
#include <thread>
#include <utility>

namespace hs::test {

namespace {
std::string lower(std::string s) {
  for (auto& c : s) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return s;
}

// Decodes a chunked body from `in` at `pos`; false until all of it is there.
bool takeChunked(const std::string& in, size_t& pos, std::string& body) {
  size_t p = pos;
  std::string out;
  for (;;) {
    const size_t eol = in.find("\r\n", p);
    if (eol == std::string::npos) {
      return false;
    }
    const size_t size = std::stoul(in.substr(p, eol - p), nullptr, 16);
    p = eol + 2;
    if (size == 0) {
      const size_t end = in.find("\r\n", p);
      if (end == std::string::npos) {
        return false;
      }
      pos = end + 2;
      body = std::move(out);
      return true;
    }
    if (in.size() < p + size + 2) {
      return false;
    }
    out.append(in, p, size);
    p += size + 2;
  }
}
}  // namespace

RawConnection::RawConnection(int port, const std::string& source) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (!source.empty()) {
    sockaddr_in local{};
    local.sin_family = AF_INET;
    inet_pton(AF_INET, source.c_str(), &local.sin_addr);
    ::bind(fd_, reinterpret_cast<sockaddr*>(&local), sizeof local);
  }
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  inet_pton(AF_INET, "127.0.0.1", &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd_);
    fd_ = -1;
    return;
  }
  const int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

RawConnection::RawConnection(RawConnection&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)), buffered_(std::move(other.buffered_)), eof_(other.eof_) {}

RawConnection::~RawConnection() { close(); }

void RawConnection::close() {
  if (fd_ >= 0) {
    ::close(fd_);
    fd_ = -1;
  }
}

void RawConnection::shutdownWrite() { ::shutdown(fd_, SHUT_WR); }

bool RawConnection::send(std::string_view bytes) {
  while (!bytes.empty()) {
    const ssize_t n = ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL);
    if (n <= 0) {
      if (n < 0 && errno == EINTR) {
        continue;
      }
      return false;
    }
    bytes.remove_prefix(static_cast<size_t>(n));
  }
  return true;
}

// Reads what arrives before `deadline`; false when nothing more can come (EOF, reset,
// timeout).
bool RawConnection::fill(std::chrono::steady_clock::time_point deadline) {
  if (eof_ || fd_ < 0) {
    return false;
  }
  const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
      deadline - std::chrono::steady_clock::now());
  if (left.count() <= 0) {
    return false;
  }
  pollfd p{fd_, POLLIN, 0};
  if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
    return false;
  }
  char buf[65536];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    eof_ = true;
    return false;
  }
  buffered_.append(buf, static_cast<size_t>(n));
  return true;
}

std::optional<RawResponse> RawConnection::readResponse(std::chrono::milliseconds timeout,
                                                       bool head_request) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    const size_t end = buffered_.find("\r\n\r\n");
    if (end != std::string::npos) {
      RawResponse r;
      std::istringstream lines(buffered_.substr(0, end));
      std::string line;
      std::getline(lines, line);
      r.status = std::stoi(line.substr(9, 3));
      while (std::getline(lines, line)) {
        const size_t colon = line.find(':');
        if (colon != std::string::npos) {
          std::string value = line.substr(colon + 1);
          value.erase(0, value.find_first_not_of(' '));
          value.erase(value.find_last_not_of("\r ") + 1);
          r.headers[lower(line.substr(0, colon))] = value;
        }
      }
      size_t pos = end + 4;
      if (r.status == 100) {
        buffered_.erase(0, pos);
        continue;
      }
      bool complete = true;
      if (head_request) {
      } else if (lower(r.header("transfer-encoding")) == "chunked") {
        complete = takeChunked(buffered_, pos, r.body);
      } else {
        const size_t length = r.headers.count("content-length") ? std::stoul(r.header("content-length")) : 0;
        complete = buffered_.size() >= pos + length;
        if (complete) {
          r.body = buffered_.substr(pos, length);
          pos += length;
        }
      }
      if (complete) {
        buffered_.erase(0, pos);
        return r;
      }
    }
    if (!fill(deadline)) {
      return std::nullopt;
    }
  }
}

bool RawConnection::closedByServer(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (fill(deadline)) {
  }
  return eof_;
}

std::string rawRequest(const std::string& method, const std::string& target,
                       const std::string& extra_headers, const std::string& body) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: localhost\r\n" + extra_headers;
  if (!body.empty()) {
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  return r + "\r\n" + body;
}

double processCpuPercent(std::chrono::milliseconds window) {
  auto cpu = [] {
    rusage u{};
    getrusage(RUSAGE_SELF, &u);
    return (u.ru_utime.tv_sec + u.ru_stime.tv_sec) * 1e6 + u.ru_utime.tv_usec + u.ru_stime.tv_usec;
  };
  const double before = cpu();
  const auto start = std::chrono::steady_clock::now();
  std::this_thread::sleep_for(window);
  const double wall = std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  return 100.0 * (cpu() - before) / wall;
}

bool serverCpuSettles(double max_percent) {
  std::this_thread::sleep_for(1s);
  return processCpuPercent(1s) < max_percent;
}

int64_t peakRssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmHWM:", 0) == 0) {
      return std::stoll(line.substr(6)) * 1024;
    }
  }
  return 0;
}

void resetPeakRss() {
  std::ofstream("/proc/self/clear_refs") << "5";
}

}  // namespace hs::test
