#pragma once
// A single-threaded HTTP/1.1 client over epoll and plain non-blocking sockets, with
// keep-alive connections and one request in flight per connection. Chosen over libcurl
// multi because it costs a few microseconds of CPU per request (no per-handle setup, no
// header callbacks), so on 2 cores the generator stays a small fraction of the load.
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <queue>
#include <string>
#include <vector>

namespace bench {

using SteadyClock = std::chrono::steady_clock;

struct HttpRequest {
  std::string method;
  std::string path;   // with the query string
  std::string token;  // access token; empty for none
  std::string body;   // sent as application/json when not empty (or for PUT/POST)
};

struct HttpResponse {
  int status = 0;  // 0: transport error, see `error`
  std::string body;
  double latency_ms = 0;  // from the request being queued on the socket to its last byte
  std::string error;
};

using HttpCallback = std::function<void(HttpResponse&)>;

class HttpLoop {
 public:
  HttpLoop(std::string host, int port);
  ~HttpLoop();
  HttpLoop(const HttpLoop&) = delete;
  HttpLoop& operator=(const HttpLoop&) = delete;

  // Adds a keep-alive connection and returns its index; it connects on first use.
  int addConnection();
  size_t connectionCount() const { return conns_.size(); }
  bool busy(int conn) const;
  // Sends `req` on connection `conn`, which must be idle; `done` runs inside run().
  void send(int conn, const HttpRequest& req, HttpCallback done);
  // Runs `fn` inside run() after `ms` milliseconds.
  void after(double ms, std::function<void()> fn);
  // Runs until no request is in flight and no timer is pending, or stop() is called.
  void run();
  void stop() { stopped_ = true; }
  size_t inFlight() const { return in_flight_; }

 private:
  struct Conn;
  struct Timer {
    SteadyClock::time_point at;
    uint64_t seq;
    std::function<void()> fn;
    bool operator>(const Timer& o) const { return at != o.at ? at > o.at : seq > o.seq; }
  };

  void connect(Conn& c);
  void closeConn(Conn& c);
  void watch(Conn& c, bool want_write);
  void onWritable(Conn& c);
  void onReadable(Conn& c);
  bool parseResponse(Conn& c);  // true when a whole response was taken out of c.in
  void finish(Conn& c, HttpResponse& res);
  void fail(Conn& c, const std::string& why);
  int nextTimeoutMs();
  void runDueTimers();

  std::string host_;
  int port_;
  std::string host_header_;
  int epfd_ = -1;
  std::vector<std::unique_ptr<Conn>> conns_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  uint64_t timer_seq_ = 0;
  size_t in_flight_ = 0;
  bool stopped_ = false;
};

// Percent-encodes a path segment or query value (room ids, tokens, JSON filters).
std::string urlEncode(const std::string& s);

}  // namespace bench
