// Connection caps over real sockets: 15,000 idle connections and the server still answers;
// past the per-address cap new connections get 503; at the total cap the oldest idle
// connection makes room, and with none idle the newcomer gets 503.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <thread>

#include "tests/support/http_test_server.h"
#include "tests/support/raw_http.h"

namespace hs::test {
namespace {

// Opens `count` idle connections from a child process (the open-file limit of one process
// could not hold both ends), spread over loopback source addresses 127.0.1.x, `per_address`
// from each. The child reports how many connected, then holds them until told to go.
class IdleCrowd {
 public:
  IdleCrowd(int port, int count, int per_address) {
    int ready[2];
    int release[2];
    EXPECT_EQ(::pipe(ready), 0);
    EXPECT_EQ(::pipe(release), 0);
    pid_ = ::fork();
    if (pid_ == 0) {  // only system calls from here on: the parent has threads
      ::close(ready[0]);
      ::close(release[1]);
      int opened = 0;
      for (int i = 0; i < count; ++i) {
        const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
        sockaddr_in local{};
        local.sin_family = AF_INET;
        local.sin_addr.s_addr = htonl(0x7f000100u + 1 + static_cast<uint32_t>(i / per_address));
        sockaddr_in server{};
        server.sin_family = AF_INET;
        server.sin_port = htons(static_cast<uint16_t>(port));
        server.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (fd >= 0 && ::bind(fd, reinterpret_cast<sockaddr*>(&local), sizeof local) == 0 &&
            ::connect(fd, reinterpret_cast<sockaddr*>(&server), sizeof server) == 0) {
          ++opened;
        }
      }
      [[maybe_unused]] auto w = ::write(ready[1], &opened, sizeof opened);
      char go;
      [[maybe_unused]] auto r = ::read(release[0], &go, 1);
      ::_exit(0);
    }
    ::close(ready[1]);
    ::close(release[0]);
    release_fd_ = release[1];
    if (::read(ready[0], &opened_, sizeof opened_) != sizeof opened_) {
      opened_ = -1;
    }
    ::close(ready[0]);
  }
  ~IdleCrowd() { leave(); }
  int opened() const { return opened_; }
  void leave() {
    if (pid_ > 0) {
      ::close(release_fd_);
      ::waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
  }

 private:
  pid_t pid_ = -1;
  int release_fd_ = -1;
  int opened_ = 0;
};

bool waitFor(const std::function<bool()>& done, std::chrono::milliseconds within) {
  const auto until = std::chrono::steady_clock::now() + within;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) {
      return false;
    }
    std::this_thread::sleep_for(20ms);
  }
  return true;
}

TEST(ServerConnections, FifteenThousandIdleConnectionsAndTheServerStillAnswers) {
  HttpTestServer server;  // default caps: the open-file limit, 1,000 per address
  IdleCrowd crowd(server.port(), 15000, 1000);
  ASSERT_EQ(crowd.opened(), 15000);
  ASSERT_TRUE(waitFor([&] { return server.server().openConnections() >= 15000; }, 10s))
      << server.server().openConnections();
  const auto start = std::chrono::steady_clock::now();
  RawConnection c(server.port());
  c.send(rawRequest("GET", "/fast"));
  const auto r = c.readResponse(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1s);
  EXPECT_LT(processCpuPercent(1s), 5.0) << "15,000 idle connections cost CPU";
  crowd.leave();
  EXPECT_TRUE(waitFor([&] { return server.server().openConnections() <= 1; }, 10s));
}

TEST(ServerConnections, PastThePerAddressCapNewConnectionsGet503) {
  HttpTestServer server([](http::ServerOptions& o) { o.max_connections_per_ip = 5; });
  std::vector<RawConnection> held;
  for (int i = 0; i < 5; ++i) {
    held.emplace_back(server.port(), "127.0.2.1");
  }
  ASSERT_TRUE(waitFor([&] { return server.server().openConnections() == 5; }, 2s));
  RawConnection sixth(server.port(), "127.0.2.1");
  sixth.send(rawRequest("GET", "/fast"));
  const auto refused = sixth.readResponse(2s);
  ASSERT_TRUE(refused);
  EXPECT_EQ(refused->status, 503);
  EXPECT_NE(refused->body.find("Too many connections"), std::string::npos);
  EXPECT_TRUE(sixth.closedByServer(2s));
  RawConnection other(server.port(), "127.0.2.2");
  other.send(rawRequest("GET", "/fast"));
  EXPECT_EQ(other.readResponse(2s)->status, 200);
}

TEST(ServerConnections, AtTheTotalCapTheOldestIdleConnectionMakesRoom) {
  HttpTestServer server([](http::ServerOptions& o) {
    o.max_connections = 4;
    o.reactor_threads = 1;  // one reactor holds them all: it can evict any of them
  });
  std::vector<RawConnection> held;
  for (int i = 0; i < 4; ++i) {
    held.emplace_back(server.port());
    held.back().send(rawRequest("GET", "/fast"));
    ASSERT_EQ(held.back().readResponse(2s)->status, 200);
  }
  RawConnection newcomer(server.port());
  newcomer.send(rawRequest("GET", "/fast"));
  EXPECT_EQ(newcomer.readResponse(2s)->status, 200);
  EXPECT_TRUE(held.front().closedByServer(2s));
  EXPECT_EQ(server.server().openConnections(), 4u);
}

TEST(ServerConnections, AtTheTotalCapWithNoneIdleTheNewcomerGets503) {
  HttpTestServer server([](http::ServerOptions& o) {
    o.max_connections = 3;
    o.reactor_threads = 1;
  });
  std::vector<RawConnection> busy;
  for (int i = 0; i < 3; ++i) {
    busy.emplace_back(server.port());
    busy.back().send(rawRequest("GET", "/park?ms=1500"));
  }
  ASSERT_TRUE(waitFor([&] { return server.server().openConnections() == 3; }, 2s));
  std::this_thread::sleep_for(100ms);
  RawConnection newcomer(server.port());
  newcomer.send(rawRequest("GET", "/fast"));
  const auto r = newcomer.readResponse(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 503);
  for (auto& c : busy) {
    EXPECT_EQ(c.readResponse(5s)->status, 200);  // the parked ones were not disturbed
  }
}

}  // namespace
}  // namespace hs::test
