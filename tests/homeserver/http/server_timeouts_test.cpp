// Deadlines that mean what they say, over real sockets: the head's timeout stops once the head
// is in (a handler or a long-poll may take longer), handlers have a deadline (504), slow
// senders and silent connections are cut off, and what the client got is what is logged.
#include <gtest/gtest.h>

#include <thread>

#include "tests/support/http_test_server.h"
#include "tests/support/raw_http.h"

namespace hs::test {
namespace {

using Clock = std::chrono::steady_clock;

// The old server's header timer kept running while the handler worked: every request slower
// than it (a /sync long-poll) got 408 and lost its connection.
TEST(ServerTimeouts, AHandlerSlowerThanTheHeaderTimeoutAnswers200OnTheSameConnection) {
  HttpTestServer server([](http::ServerOptions& o) { o.header_timeout = 300ms; });
  RawConnection c(server.port());
  c.send(rawRequest("GET", "/sleep?ms=1200"));
  const auto r = c.readResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  c.send(rawRequest("GET", "/fast"));
  EXPECT_EQ(c.readResponse(2s)->status, 200);
  EXPECT_EQ(server.requestCount("GET", "/sleep", 200), "1");
  EXPECT_EQ(server.requestCount("-", "(framing)", 408), "");
}

TEST(ServerTimeouts, AParkedRequestWaitsPastTheHandlerDeadlineForItsAnswer) {
  HttpTestServer server([](http::ServerOptions& o) {
    o.header_timeout = 300ms;
    o.handler_timeout = 500ms;
  });
  RawConnection c(server.port());
  c.send(rawRequest("GET", "/park?ms=1500"));
  const auto r = c.readResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, R"({"parked":true})");
}

TEST(ServerTimeouts, AParkedRequestPastTheLongPollLimitGets504) {
  HttpTestServer server([](http::ServerOptions& o) { o.long_poll_timeout = 400ms; });
  RawConnection c(server.port());
  c.send(rawRequest("GET", "/park?ms=1500"));
  const auto r = c.readResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
}

// The client gets 504 at the deadline; the handler's late 200 is dropped, never sent to the
// next request on the connection, and the metrics say 504.
TEST(ServerTimeouts, AHandlerPastItsDeadlineGets504AndALateAnswerIsDropped) {
  HttpTestServer server([](http::ServerOptions& o) { o.handler_timeout = 400ms; });
  RawConnection c(server.port());
  const auto start = Clock::now();
  c.send(rawRequest("GET", "/sleep?ms=1500"));
  const auto r = c.readResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_LT(Clock::now() - start, 1200ms);
  c.send(rawRequest("GET", "/sleep?ms=1300"));  // in flight when the first handler finishes
  const auto next = c.readResponse(5s);
  EXPECT_EQ(next->status, 504);
  c.send(rawRequest("GET", "/fast"));
  EXPECT_EQ(c.readResponse(5s)->body, R"({"ok":true})");
  std::this_thread::sleep_for(1500ms);  // both handlers done
  EXPECT_EQ(server.requestCount("GET", "/sleep", 504), "2");
  EXPECT_EQ(server.requestCount("GET", "/sleep", 200), "");
}

TEST(ServerTimeouts, ARouteCanHaveItsOwnDeadline) {
  HttpTestServer server;
  RawConnection c(server.port());
  const auto start = Clock::now();
  c.send(rawRequest("GET", "/short-deadline?ms=1500"));
  const auto r = c.readResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 504);
  EXPECT_LT(Clock::now() - start, 1200ms);
}

// Slow-loris: a byte of header every 100 ms never completes a head within the timeout.
TEST(ServerTimeouts, ATrickledHeadGets408AtTheHeaderTimeout) {
  HttpTestServer server([](http::ServerOptions& o) { o.header_timeout = 500ms; });
  RawConnection c(server.port());
  const std::string head = rawRequest("GET", "/fast", "X-Slow: " + std::string(100, 's') + "\r\n");
  const auto start = Clock::now();
  for (char ch : head) {
    if (!c.send(std::string(1, ch)) || Clock::now() - start > 2s) {
      break;
    }
    std::this_thread::sleep_for(20ms);
  }
  const auto r = c.readResponse(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(c.closedByServer(3s));
  EXPECT_EQ(server.requestCount("GET", "(framing)", 408), "1");
}

TEST(ServerTimeouts, ASilentBodyGets408) {
  HttpTestServer server([](http::ServerOptions& o) { o.body_timeout = 400ms; });
  RawConnection c(server.port());
  c.send(rawRequest("POST", "/echo", "Content-Length: 10\r\n") + "12345");
  const auto r = c.readResponse(3s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 408);
  EXPECT_TRUE(c.closedByServer(3s));
}

TEST(ServerTimeouts, IdleKeepAliveConnectionsAreClosed) {
  HttpTestServer server([](http::ServerOptions& o) { o.idle_timeout = 400ms; });
  RawConnection c(server.port());
  c.send(rawRequest("GET", "/fast"));
  EXPECT_EQ(c.readResponse(2s)->status, 200);
  EXPECT_TRUE(c.closedByServer(2s));
}

TEST(ServerTimeouts, AConnectionThatNeverSendsIsClosedWithoutAnAnswer) {
  HttpTestServer server([](http::ServerOptions& o) { o.header_timeout = 300ms; });
  RawConnection c(server.port());
  EXPECT_TRUE(c.closedByServer(2s));
  EXPECT_FALSE(c.readResponse(100ms));
}

// A client that leaves while its request is parked: the connection is freed at once and the
// answer, when it comes, is logged as never delivered (499), not as a 200.
TEST(ServerTimeouts, AClientLeavingDuringALongPollIsLoggedAs499) {
  HttpTestServer server;
  {
    RawConnection c(server.port());
    c.send(rawRequest("GET", "/park?ms=600"));
    std::this_thread::sleep_for(100ms);
  }
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(server.server().openConnections(), 0u);
  std::this_thread::sleep_for(800ms);
  EXPECT_EQ(server.requestCount("GET", "/park", 499), "1");
  EXPECT_EQ(server.requestCount("GET", "/park", 200), "");
}

}  // namespace
}  // namespace hs::test
