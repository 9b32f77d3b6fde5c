// The framing guard over real loopback sockets: malformed and oversized requests are answered
// at once (Matrix JSON) and cost nothing once their client has gone; pipelined requests are
// all answered, in order.
#include <gtest/gtest.h>

#include <thread>

#include "homeserver/core/json.h"
#include "tests/support/http_test_server.h"
#include "tests/support/raw_http.h"

namespace hs::test {
namespace {

std::string errcodeOf(const RawResponse& r) {
  auto doc = json::tryParse(r.body);
  return doc && doc->IsObject() && doc->HasMember("errcode") ? (*doc)["errcode"].GetString() : "";
}

// Sends `bytes`, expects `status` with a Matrix error body, then the connection closed.
void expectRefusedAndClosed(HttpTestServer& server, const std::string& bytes, int status,
                            const std::string& errcode) {
  RawConnection c(server.port());
  ASSERT_TRUE(c.send(bytes));
  const auto r = c.readResponse(2s);
  ASSERT_TRUE(r) << "no answer to: " << bytes.substr(0, 80);
  EXPECT_EQ(r->status, status) << bytes.substr(0, 80);
  EXPECT_EQ(errcodeOf(*r), errcode) << r->body;
  EXPECT_EQ(r->header("connection"), "close");
  EXPECT_TRUE(c.closedByServer(4s));
}

TEST(ServerFraming, FiftyPipelinedGetsAreAllAnsweredInOrder) {
  HttpTestServer server;
  RawConnection c(server.port());
  std::string burst;
  for (int i = 0; i < 50; ++i) {
    burst += rawRequest("GET", i % 2 ? "/fast" : "/sleep?ms=1");
  }
  ASSERT_TRUE(c.send(burst));
  for (int i = 0; i < 50; ++i) {
    const auto r = c.readResponse(5s);
    ASSERT_TRUE(r) << "answer " << i << " missing";
    EXPECT_EQ(r->status, 200);
    EXPECT_EQ(r->body, i % 2 ? R"({"ok":true})" : R"({"slept":true})");
  }
}

TEST(ServerFraming, TwentyPipelinedPostsAreAllProcessedInOrder) {
  HttpTestServer server;
  RawConnection c(server.port());
  std::string burst;
  for (int i = 0; i < 20; ++i) {
    burst += rawRequest("POST", "/count", "Content-Type: application/json\r\n", "{}");
  }
  ASSERT_TRUE(c.send(burst));
  for (int i = 1; i <= 20; ++i) {
    const auto r = c.readResponse(5s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->body, "{\"n\":" + std::to_string(i) + "}");
  }
  EXPECT_EQ(server.counted(), 20);
}

TEST(ServerFraming, MalformedFramingIsAnswered400AtOnceAndClosed) {
  HttpTestServer server;
  const std::string body = "{}";
  for (const std::string& bad : {
           rawRequest("POST", "/echo", "Content-Length: -1\r\n"),
           rawRequest("GET", "/fast", "NoColonHere\r\n"),
           rawRequest("GET", "/fast", "X-A: b\r\n folded\r\n"),
           std::string("GET /fast HTTP/1.1\nHost: x\n\n"),
           std::string("GET /fast\r\n\r\n"),
           rawRequest("POST", "/echo", "Content-Length: 2\r\nTransfer-Encoding: chunked\r\n"),
           rawRequest("POST", "/echo", "Content-Length: 2\r\nContent-Length: 3\r\n"),
       }) {
    expectRefusedAndClosed(server, bad, 400, "M_UNKNOWN");
  }
  // The access log and metrics record what the client got, with the method when it was read.
  EXPECT_EQ(server.requestCount("-", "(framing)", 400), "2");
  EXPECT_EQ(server.requestCount("GET", "(framing)", 400), "2");
  EXPECT_EQ(server.requestCount("POST", "(framing)", 400), "3");
}

TEST(ServerFraming, ContentLengthBeyondTwoToThe63IsTooLarge) {
  HttpTestServer server;
  expectRefusedAndClosed(server, rawRequest("POST", "/echo", "Content-Length: 18446744073709551616\r\n"),
                         413, "M_TOO_LARGE");
}

TEST(ServerFraming, OtherTransferCodingsAreNotImplemented) {
  HttpTestServer server;
  expectRefusedAndClosed(server, rawRequest("POST", "/echo", "Transfer-Encoding: gzip\r\n"), 501,
                         "M_UNRECOGNIZED");
}

// 100 MiB announced on any path, no token: refused before a byte of it is read, and the
// server is idle again once the client has gone.
TEST(ServerFraming, ContentLengthPastTheRouteLimitIsRefusedBeforeTheBody) {
  HttpTestServer server;
  for (const std::string path : {"/echo", "/upload", "/no/such/route"}) {
    RawConnection c(server.port());
    ASSERT_TRUE(c.send(rawRequest("POST", path, "Content-Length: 1048576000\r\n")));
    const auto r = c.readResponse(2s);
    ASSERT_TRUE(r) << path;
    EXPECT_EQ(r->status, 413) << path;
    EXPECT_EQ(errcodeOf(*r), "M_TOO_LARGE");
    // The client sends part of the body anyway, then leaves.
    c.send(std::string(1 << 20, 'x'));
  }
  EXPECT_EQ(server.streamedBytes(), 0);
  EXPECT_TRUE(serverCpuSettles());
  RawConnection after(server.port());
  after.send(rawRequest("GET", "/fast"));
  EXPECT_EQ(after.readResponse(2s)->status, 200);
}

TEST(ServerFraming, HugeRequestLineAndHeaderBlockAreRefusedAtTheirCaps) {
  HttpTestServer server;
  {
    RawConnection c(server.port());
    c.send("GET /" + std::string(4 << 20, 'a'));  // 4 MiB without a space
    const auto r = c.readResponse(3s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 414);
    EXPECT_EQ(errcodeOf(*r), "M_TOO_LARGE");
  }
  {
    RawConnection c(server.port());
    std::string headers = "GET /fast HTTP/1.1\r\n";
    while (headers.size() < (8u << 20)) {
      headers += "X-Filler: " + std::string(100, 'h') + "\r\n";
    }
    c.send(headers);
    const auto r = c.readResponse(3s);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 431);
  }
  EXPECT_TRUE(serverCpuSettles());
  EXPECT_EQ(server.requestCount("-", "(framing)", 414), "1");
  EXPECT_EQ(server.requestCount("GET", "(framing)", 431), "1");
}

// Thousands of one-byte chunks (the old server spun forever on ~16 KiB of them), four clients
// at once, two of which leave halfway.
TEST(ServerFraming, ChunkedBodiesOfTinyChunksAreDecodedAndCostNothingAfterwards) {
  HttpTestServer server;
  std::string body;
  std::string wire;
  for (int i = 0; i < 20000; ++i) {
    const char c = static_cast<char>('a' + i % 26);
    body += c;
    wire += std::string("1\r\n") + c + "\r\n";
  }
  wire += "0\r\n\r\n";
  const std::string head = rawRequest("POST", "/echo", "Transfer-Encoding: chunked\r\n");
  std::vector<std::thread> clients;
  std::atomic<int> echoed{0};
  for (int i = 0; i < 4; ++i) {
    clients.emplace_back([&, i] {
      RawConnection c(server.port());
      if (i % 2 == 1) {
        c.send(head + wire.substr(0, wire.size() / 2));
        return;  // leaves mid-body
      }
      c.send(head + wire);
      const auto r = c.readResponse(5s);
      if (r && r->status == 200 && r->body == body) {
        ++echoed;
      }
    });
  }
  for (auto& t : clients) {
    t.join();
  }
  EXPECT_EQ(echoed.load(), 2);
  EXPECT_TRUE(serverCpuSettles());
}

TEST(ServerFraming, ChunkedBodyPastTheLimitIsRefused) {
  HttpTestServer server;
  RawConnection c(server.port());
  c.send(rawRequest("POST", "/echo", "Transfer-Encoding: chunked\r\n") + "10001\r\n");
  const auto r = c.readResponse(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);  // 64 KiB + 1 announced in one chunk, before any of it is sent
}

TEST(ServerFraming, ExpectContinueGetsAnInterimAnswerThenTheResponse) {
  HttpTestServer server;
  RawConnection c(server.port());
  c.send(rawRequest("POST", "/echo", "Expect: 100-continue\r\nContent-Length: 2\r\n"));
  std::this_thread::sleep_for(100ms);
  c.send("{}");
  const auto r = c.readResponse(2s);  // skips the 100
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 200);
  EXPECT_EQ(r->body, "{}");
}

TEST(ServerFraming, HeadRequestsGetTheHeadOnlyAndTheConnectionGoesOn) {
  HttpTestServer server;
  RawConnection c(server.port());
  c.send(rawRequest("HEAD", "/fast") + rawRequest("GET", "/fast"));
  const auto head = c.readResponse(2s, /*head_request=*/true);
  ASSERT_TRUE(head);
  EXPECT_EQ(head->header("content-length"), "11");
  const auto get = c.readResponse(2s);
  ASSERT_TRUE(get);
  EXPECT_EQ(get->body, R"({"ok":true})");
}

TEST(ServerFraming, Http10ClosesUnlessAskedToKeepAlive) {
  HttpTestServer server;
  RawConnection once(server.port());
  once.send("GET /fast HTTP/1.0\r\n\r\n");
  EXPECT_EQ(once.readResponse(2s)->status, 200);
  EXPECT_TRUE(once.closedByServer(2s));
  RawConnection kept(server.port());
  kept.send("GET /fast HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
  const auto r = kept.readResponse(2s);
  EXPECT_EQ(r->header("connection"), "keep-alive");
  EXPECT_FALSE(kept.closedByServer(300ms));
}

TEST(ServerFraming, FileBodiesAreSentWhole) {
  HttpTestServer server;
  RawConnection c(server.port());
  c.send(rawRequest("GET", "/file") + rawRequest("GET", "/fast"));
  const auto r = c.readResponse(5s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->body, std::string(3 << 20, 'f'));
  EXPECT_EQ(c.readResponse(2s)->status, 200);
}

TEST(ServerFraming, UnknownRoutesAndMethodsStillGetMatrixErrors) {
  HttpTestServer server;
  RawConnection c(server.port());
  c.send(rawRequest("GET", "/nowhere") + rawRequest("BREW", "/fast") + rawRequest("OPTIONS", "*"));
  EXPECT_EQ(c.readResponse(2s)->status, 404);
  EXPECT_EQ(c.readResponse(2s)->status, 405);
  EXPECT_EQ(c.readResponse(2s)->status, 200);
  EXPECT_EQ(server.requestCount("other", "(unknown)", 405), "1");
}

}  // namespace
}  // namespace hs::test
