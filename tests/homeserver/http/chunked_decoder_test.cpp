#include "homeserver/http/chunked_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace hs::http {
namespace {

struct Decoded {
  ChunkedDecoder::State state;
  size_t used;
  std::string data;
  int status;
};

Decoded decode(const std::string& wire, uint64_t limit = 1 << 20, size_t piece = 0) {
  ChunkedDecoder d(limit);
  std::string data;
  size_t used = 0;
  const size_t step = piece == 0 ? wire.size() : piece;
  for (size_t off = 0; off < wire.size() && d.state() == ChunkedDecoder::State::Body; off += step) {
    used += d.feed(std::string_view(wire).substr(off, step),
                   [&](std::string_view s) { data.append(s); });
  }
  return Decoded{d.state(), used, data, d.errorStatus()};
}

TEST(ChunkedDecoder, DecodesChunksAndStopsAtTheEnd) {
  const std::string wire = "5\r\nhello\r\n7;ext=1\r\n, world\r\n0\r\n\r\n";
  const Decoded r = decode(wire + "GET / HTTP/1.1\r\n");
  EXPECT_EQ(r.state, ChunkedDecoder::State::Done);
  EXPECT_EQ(r.data, "hello, world");
  EXPECT_EQ(r.used, wire.size());  // the next request's bytes are left alone
}

TEST(ChunkedDecoder, SameResultByteByByte) {
  const Decoded r = decode("a\r\n0123456789\r\nA\r\nabcdefghij\r\n0\r\nTrailer: x\r\n\r\n", 1 << 20, 1);
  EXPECT_EQ(r.state, ChunkedDecoder::State::Done);
  EXPECT_EQ(r.data, "0123456789abcdefghij");
}

TEST(ChunkedDecoder, ThousandsOfOneByteChunks) {
  std::string wire;
  for (int i = 0; i < 20000; ++i) {
    wire += "1\r\nx\r\n";
  }
  wire += "0\r\n\r\n";
  const Decoded r = decode(wire, 1 << 20, 4096);
  EXPECT_EQ(r.state, ChunkedDecoder::State::Done);
  EXPECT_EQ(r.data.size(), 20000u);
}

TEST(ChunkedDecoder, AChunkPastTheLimitIsRefusedBeforeItsData) {
  ChunkedDecoder d(10);
  std::string got;
  d.feed("5\r\nhello\r\n6\r\n", [&](std::string_view s) { got.append(s); });
  EXPECT_EQ(d.state(), ChunkedDecoder::State::Failed);
  EXPECT_EQ(d.errorStatus(), 413);
  EXPECT_EQ(got, "hello");
  EXPECT_EQ(decode("fffffffffffffffffff\r\n").status, 413);  // would overflow 64 bits
}

TEST(ChunkedDecoder, MalformedFramingIsRefused) {
  for (const std::string wire : {"x\r\n", "\r\n", "5\nhello\r\n", "5\r\nhelloX\r\n", "5\r\nhello\rX",
                                 "-1\r\n", "0\r\nbad\n\r\n", "0\r\n\rX", "5 x\n"}) {
    const Decoded r = decode(wire);
    EXPECT_EQ(r.state, ChunkedDecoder::State::Failed) << wire;
    EXPECT_EQ(r.status, 400) << wire;
  }
}

TEST(ChunkedDecoder, ExtensionsAndTrailersAreCapped) {
  std::string ext = "1;" + std::string(20000, 'e') + "\r\nx\r\n0\r\n\r\n";
  EXPECT_EQ(decode(ext).status, 400);
  std::string trailers = "0\r\n";
  for (int i = 0; i < 1000; ++i) {
    trailers += "T: " + std::string(30, 't') + "\r\n";
  }
  EXPECT_EQ(decode(trailers + "\r\n").status, 431);
}

}  // namespace
}  // namespace hs::http
