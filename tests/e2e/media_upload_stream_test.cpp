// Uploads through the real server stream to the media store as they arrive: chunked bodies
// (how matrix-nio sends files), a large upload that never sits in memory, refusals before the
// body is read, any syntactically valid media type, and nothing left behind by a client that
// gives up halfway.
#include <gtest/gtest.h>

#include <thread>

#include "homeserver/core/json.h"
#include "media/content_digest.h"
#include "tests/e2e/media_helpers.h"
#include "tests/support/raw_http.h"

namespace hs::test {
namespace {

constexpr int64_t kLimit = 160LL << 20;

class MediaUploadStream : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer([](config::Config& c) { c.media.max_upload_size = kLimit; });
    token_ = server_->registerUser("stream_alice");
  }
  static void TearDownTestSuite() { delete server_; }
  static int port() {
    const std::string url = server_->url("");
    return std::stoi(url.substr(url.rfind(':') + 1));
  }
  static std::string auth() { return "Authorization: Bearer " + token_ + "\r\n"; }
  static size_t temporaryFiles() {
    return filesUnder(std::filesystem::path(server_->config().media.store_path) / "tmp");
  }
  static TestServer* server_;
  static std::string token_;
};
TestServer* MediaUploadStream::server_ = nullptr;
std::string MediaUploadStream::token_;

// Bytes that differ per piece, made as they are sent.
std::string pieceOf(size_t i, size_t size) {
  std::string p(size, '\0');
  for (size_t k = 0; k < size; k += 64) {
    p[k] = static_cast<char>(i * 131 + k / 64);
  }
  return p;
}

TEST_F(MediaUploadStream, AChunkedUploadAsMatrixNioSendsItIsStoredWhole) {
  RawConnection c(port());
  c.send(rawRequest("POST", "/_matrix/media/r0/upload?filename=big.bin",
                    auth() + "Content-Type: application/octet-stream\r\nTransfer-Encoding: chunked\r\n"));
  std::string all;
  for (size_t i = 0; i < 200; ++i) {  // 200 chunks of 64 KiB
    const std::string p = pieceOf(i, 64 * 1024);
    all += p;
    char size[16];
    snprintf(size, sizeof size, "%zx\r\n", p.size());
    c.send(size + p + "\r\n");
  }
  c.send("0\r\n\r\n");
  const auto r = c.readResponse(20s);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string uri = json::tryParse(r->body).value()["content_uri"].GetString();
  const auto row = mediaRow(*server_, uri.substr(uri.rfind('/') + 1));
  ASSERT_TRUE(row);
  EXPECT_EQ(row->size, static_cast<int64_t>(all.size()));
  EXPECT_EQ(row->sha256, hexSha256(all));
  EXPECT_EQ(row->md5, hexMd5(all));
  EXPECT_EQ(temporaryFiles(), 0u);
}

// 150 MiB sent piece by piece: the server's peak memory grows by far less than the upload.
TEST_F(MediaUploadStream, ALargeUploadIsNeverHeldInMemory) {
  constexpr size_t kPieces = 150;
  constexpr size_t kPiece = 1 << 20;
  resetPeakRss();
  const int64_t before = peakRssBytes();
  RawConnection c(port());
  c.send(rawRequest("POST", "/_matrix/media/v3/upload",
                    auth() + "Content-Type: application/octet-stream\r\nContent-Length: " +
                        std::to_string(kPieces * kPiece) + "\r\n"));
  media::ContentDigest digest;
  for (size_t i = 0; i < kPieces; ++i) {
    const std::string p = pieceOf(i, kPiece);
    digest.update(p);
    ASSERT_TRUE(c.send(p));
  }
  const auto r = c.readResponse(60s);
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_LT(peakRssBytes() - before, 40 << 20) << "the upload was buffered";
  const std::string uri = json::tryParse(r->body).value()["content_uri"].GetString();
  const auto row = mediaRow(*server_, uri.substr(uri.rfind('/') + 1));
  ASSERT_TRUE(row);
  EXPECT_EQ(row->size, static_cast<int64_t>(kPieces * kPiece));
  EXPECT_EQ(row->sha256, digest.sha256Hex());
  EXPECT_EQ(row->md5, digest.md5Hex());
}

TEST_F(MediaUploadStream, AnUploadOverTheLimitIsRefusedFromItsContentLength) {
  RawConnection c(port());
  c.send(rawRequest("POST", "/_matrix/media/v3/upload",
                    auth() + "Content-Length: " + std::to_string(kLimit + 1) + "\r\n"));
  const auto r = c.readResponse(2s);  // not a byte of the body sent
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 413);
  EXPECT_NE(r->body.find("M_TOO_LARGE"), std::string::npos);
  EXPECT_EQ(temporaryFiles(), 0u);
}

TEST_F(MediaUploadStream, AnUploadWithoutATokenIsRefusedBeforeItsBody) {
  RawConnection c(port());
  c.send(rawRequest("POST", "/_matrix/media/v3/upload", "Content-Length: 4194304\r\n"));
  const auto r = c.readResponse(2s);
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 401);
  EXPECT_NE(r->body.find("M_MISSING_TOKEN"), std::string::npos);
  c.send(std::string(4 << 20, 'z'));  // sent anyway: dropped, and the connection goes on
  c.send(rawRequest("GET", "/_matrix/media/v3/config", auth()));
  EXPECT_EQ(c.readResponse(5s)->status, 200);
  EXPECT_EQ(temporaryFiles(), 0u);
}

// Pistache refused media types it did not know with a plain-text 415.
TEST_F(MediaUploadStream, AnySyntacticallyValidMediaTypeIsAccepted) {
  for (const std::string type : {"font/woff2", "x-foo/bar", "application/vnd.example+json; charset=utf-8"}) {
    const auto r = upload(*server_, token_, "bytes of " + type, type);
    ASSERT_EQ(r.status, 200) << type << ": " << r.body;
    auto d = mediaRequest(*server_, "GET", "/_matrix/media/v3/download/localhost/" + mediaIdOf(r), "", "");
    EXPECT_EQ(d.status, 200);
    EXPECT_EQ(d.body, "bytes of " + type);
    EXPECT_EQ(d.headers["content-disposition"], "attachment") << type;
  }
}

TEST_F(MediaUploadStream, AClientThatLeavesHalfwayLeavesNoTemporaryFile) {
  {
    RawConnection c(port());
    c.send(rawRequest("POST", "/_matrix/media/v3/upload", auth() + "Content-Length: 20971520\r\n"));
    c.send(std::string(8 << 20, 'h'));
    std::this_thread::sleep_for(300ms);
    EXPECT_EQ(temporaryFiles(), 1u);  // the upload is being written as it arrives
  }
  for (int i = 0; i < 100 && temporaryFiles() > 0; ++i) {
    std::this_thread::sleep_for(20ms);
  }
  EXPECT_EQ(temporaryFiles(), 0u);
  EXPECT_TRUE(serverCpuSettles());
}

}  // namespace
}  // namespace hs::test
