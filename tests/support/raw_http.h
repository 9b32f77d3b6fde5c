#pragma once
// A raw HTTP client for tests of the HTTP layer itself: it sends exactly the bytes it is given
// (malformed framing, pipelined requests, trickled headers, endless bodies), reads responses
// as they come, and tells when the server closed the connection. Plus the server-side
// measure the issue asks of every such test: the process's CPU after the client has gone.
#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace hs::test {

using namespace std::chrono_literals;

struct RawResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  std::string header(const std::string& name) const {
    auto it = headers.find(name);
    return it == headers.end() ? "" : it->second;
  }
};

class RawConnection {
 public:
  // Connects to 127.0.0.1:port; `source` binds the client side first (another loopback
  // address such as 127.0.0.7, to stand for another client).
  explicit RawConnection(int port, const std::string& source = "");
  ~RawConnection();
  RawConnection(RawConnection&& other) noexcept;
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool connected() const { return fd_ >= 0; }
  // False once the server has closed or reset the connection.
  bool send(std::string_view bytes);
  // One response: status line, headers, and a Content-Length or chunked body. Empty when the
  // connection closed or the timeout passed first.
  std::optional<RawResponse> readResponse(std::chrono::milliseconds timeout = 5s,
                                          bool head_request = false);
  // True when the server closes (or resets) the connection within `timeout`; bytes that
  // arrive meanwhile are kept for readResponse.
  bool closedByServer(std::chrono::milliseconds timeout);
  void shutdownWrite();
  void close();

 private:
  bool fill(std::chrono::steady_clock::time_point deadline);
  int fd_ = -1;
  std::string buffered_;
  bool eof_ = false;
};

// A request head: "METHOD target HTTP/1.1", Host, the extra header lines, the blank line.
std::string rawRequest(const std::string& method, const std::string& target,
                       const std::string& extra_headers = "", const std::string& body = "");

// CPU time of this whole process over `window`, in percent of one core. The tests run the
// server in-process and the test thread sleeps meanwhile, so this is the server's.
double processCpuPercent(std::chrono::milliseconds window);

// The bar for every attack: a second after the attacker has gone, the server is back
// under 5% of a core (measured over the following second).
bool serverCpuSettles(double max_percent = 5.0);

// VmHWM (peak resident set) of this process in bytes; resetPeakRss() starts it again from
// the current resident set (Linux /proc/self/clear_refs).
int64_t peakRssBytes();
void resetPeakRss();

}  // namespace hs::test
