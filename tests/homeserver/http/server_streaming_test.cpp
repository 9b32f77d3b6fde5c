// Streaming request bodies (media uploads) over real sockets: the body goes to the route's
// sink as it arrives and never sits whole in memory; a slow sink slows the client down; a
// refused upload is answered before its body, and an abandoned one leaves nothing behind.
#include <gtest/gtest.h>

#include <thread>

#include "homeserver/core/json.h"
#include "tests/support/http_test_server.h"
#include "tests/support/raw_http.h"

namespace hs::test {
namespace {

uint64_t fnv(uint64_t h, std::string_view s) {
  for (unsigned char c : s) {
    h = (h ^ c) * 1099511628211ULL;
  }
  return h;
}

// A deterministic body of `total` bytes, sent piece by piece (the test never holds it whole).
struct Body {
  explicit Body(size_t piece_size) : piece(piece_size, '\0') {}
  std::string_view next(size_t i) {
    for (size_t k = 0; k < piece.size(); k += 4096) {
      piece[k] = static_cast<char>(i * 31 + k);
    }
    return piece;
  }
  std::string piece;
};

json::Document sendBody(int port, const std::string& path, size_t pieces, size_t piece_size,
                        uint64_t& expected_fnv) {
  RawConnection c(port);
  c.send(rawRequest("POST", path, "Content-Length: " + std::to_string(pieces * piece_size) + "\r\n"));
  Body body(piece_size);
  expected_fnv = 14695981039346656037ULL;
  for (size_t i = 0; i < pieces; ++i) {
    const auto p = body.next(i);
    expected_fnv = fnv(expected_fnv, p);
    if (!c.send(p)) {
      break;
    }
  }
  const auto r = c.readResponse(30s);
  EXPECT_TRUE(r);
  return r ? json::tryParse(r->body).value_or(json::Document()) : json::Document();
}

// Sends `mib` MiB to `path` and checks what the sink got, and that the process's peak memory
// grew by less than `max_growth` meanwhile.
void expectStreamed(const std::string& path, int mib, int64_t max_growth) {
  HttpTestServer server;
  resetPeakRss();
  const int64_t before = peakRssBytes();
  uint64_t expected = 0;
  const auto doc = sendBody(server.port(), path, static_cast<size_t>(mib), 1 << 20, expected);
  ASSERT_TRUE(doc.IsObject());
  EXPECT_EQ(doc["bytes"].GetInt64(), int64_t{mib} << 20);
  EXPECT_EQ(doc["fnv"].GetString(), std::to_string(expected));
  EXPECT_LT(peakRssBytes() - before, max_growth) << "the body was buffered";
}

TEST(ServerStreaming, A200MiBBodyStreamsIntoItsSinkWithoutBeingHeld) {
  expectStreamed("/upload", 200, 24 << 20);
}

// Each piece costs the sink 10 ms: without backpressure the server would read the whole
// 64 MiB into memory long before the sink had taken it.
TEST(ServerStreaming, ASlowSinkSlowsTheClientInsteadOfFillingMemory) {
  expectStreamed("/upload?ms=10", 64, 16 << 20);
}

TEST(ServerStreaming, ChunkedUploadsStreamToo) {
  HttpTestServer server;
  RawConnection c(server.port());
  c.send(rawRequest("POST", "/upload", "Transfer-Encoding: chunked\r\n"));
  uint64_t expected = 14695981039346656037ULL;
  Body body(16 * 1024);
  char size_line[32];
  for (size_t i = 0; i < 640; ++i) {  // 10 MiB in 16 KiB chunks, as matrix-nio sends files
    const auto p = body.next(i);
    expected = fnv(expected, p);
    snprintf(size_line, sizeof size_line, "%zx\r\n", p.size());
    c.send(std::string(size_line) + std::string(p) + "\r\n");
  }
  c.send("0\r\n\r\n");
  const auto r = c.readResponse(10s);
  ASSERT_TRUE(r);
  const auto doc = json::tryParse(r->body).value_or(json::Document());
  EXPECT_EQ(doc["bytes"].GetInt64(), 10 << 20);
  EXPECT_EQ(doc["fnv"].GetString(), std::to_string(expected));
}

// No token: the answer comes before the body is sent; the body that follows anyway is dropped
// and the connection serves the next request.
TEST(ServerStreaming, ARefusedUploadIsAnsweredBeforeItsBody) {
  HttpTestServer server;
  RawConnection c(server.port());
  c.send(rawRequest("POST", "/upload-authed", "Content-Length: 8388608\r\n"));
  const auto r = c.readResponse(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find("M_MISSING_TOKEN"), std::string::npos);
  c.send(std::string(8 << 20, 'x'));
  c.send(rawRequest("GET", "/fast"));
  EXPECT_EQ(c.readResponse(5s)->status, 200);
  EXPECT_EQ(server.streamedBytes(), 0);
  EXPECT_EQ(server.openSinks(), 0);
}

TEST(ServerStreaming, AnUploadPastTheRouteLimitIs413BeforeItsBody) {
  HttpTestServer server;
  RawConnection c(server.port());
  c.send(rawRequest("POST", "/upload", "Content-Length: " +
                                           std::to_string(HttpTestServer::kUploadLimit + 1) + "\r\n"));
  const auto r = c.readResponse(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_EQ(server.openSinks(), 0);
}

TEST(ServerStreaming, AClientLeavingMidUploadLeavesNoSinkBehind) {
  HttpTestServer server;
  {
    RawConnection c(server.port());
    c.send(rawRequest("POST", "/upload", "Content-Length: 104857600\r\n"));
    c.send(std::string(10 << 20, 'y'));
    std::this_thread::sleep_for(200ms);
    EXPECT_EQ(server.openSinks(), 1);
  }
  for (int i = 0; i < 50 && server.openSinks() > 0; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(server.openSinks(), 0);
  EXPECT_TRUE(serverCpuSettles());
}

}  // namespace
}  // namespace hs::test
