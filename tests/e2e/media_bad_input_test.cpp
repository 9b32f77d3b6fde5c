// Every bad media request gets a Matrix error with the right status, never a 500, a hang or
// a byte from outside the media store.
#include <gtest/gtest.h>

#include "homeserver/core/random.h"
#include "tests/e2e/media_helpers.h"

namespace hs::test {
namespace {

constexpr int64_t kLimit = 1024 * 1024;  // a small upload limit keeps these tests fast

class MediaBadInput : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer([](config::Config& c) { c.media.max_upload_size = kLimit; });
    token_ = server_->registerUser("bad_input");
    id_ = uploadId(*server_, token_, "real content", "text/plain");
  }
  static void TearDownTestSuite() { delete server_; }
  static HttpResult get(const std::string& path, const std::string& token = "") {
    return mediaRequest(*server_, "GET", path, "", token);
  }
  static void expectError(const HttpResult& r, long status, const char* errcode) {
    EXPECT_EQ(r.status, status) << r.body.substr(0, 300);
    EXPECT_NE(r.body.find(errcode), std::string::npos) << r.body.substr(0, 300);
  }
  static TestServer* server_;
  static std::string token_;
  static std::string id_;
};
TestServer* MediaBadInput::server_ = nullptr;
std::string MediaBadInput::token_;
std::string MediaBadInput::id_;

TEST_F(MediaBadInput, UploadOverTheLimitIsTooLarge) {
  EXPECT_EQ(upload(*server_, token_, std::string(kLimit, 'a'), "text/plain").status, 200);
  expectError(upload(*server_, token_, std::string(kLimit + 1, 'a'), "text/plain"), 413, "M_TOO_LARGE");
  const std::string id = mediaIdOf(mediaRequest(*server_, "POST", "/_matrix/media/v1/create", "", token_));
  expectError(mediaRequest(*server_, "PUT", "/_matrix/media/v3/upload/localhost/" + id,
                           std::string(kLimit + 1, 'a'), token_, "text/plain"),
              413, "M_TOO_LARGE");
}

TEST_F(MediaBadInput, BodyFarOverTheLimitIsRefusedWhileArriving) {
  // The declared length is past the limit: refused with Matrix JSON before any of the body is
  // read, and the connection closed (what the client still sends is read and dropped).
  core::SodiumRandom random;
  auto r = upload(*server_, token_, random.bytes(3 * kLimit), "application/octet-stream");
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(server_->get("/health").status, 200);
}

TEST_F(MediaBadInput, WrongMethodsAre405) {
  expectError(get("/_matrix/media/v3/upload", token_), 405, "M_UNRECOGNIZED");
  expectError(mediaRequest(*server_, "DELETE", "/_matrix/media/v3/download/localhost/" + id_, "", token_), 405,
              "M_UNRECOGNIZED");
  expectError(mediaRequest(*server_, "POST", "/_matrix/client/v1/media/download/localhost/" + id_, "", token_),
              405, "M_UNRECOGNIZED");
  expectError(mediaRequest(*server_, "PUT", "/_matrix/media/v1/create", "", token_), 405, "M_UNRECOGNIZED");
  expectError(get("/_matrix/media/v3/upload/localhost/" + id_, token_), 405, "M_UNRECOGNIZED");
}

TEST_F(MediaBadInput, EmptyMalformedAndUnknownIdsAre404) {
  for (const std::string& id : {std::string(""), std::string("a.b"), std::string("a%20b"),
                                std::string(256, 'a'), std::string("NoSuchMediaId")}) {
    expectError(get("/_matrix/media/v3/download/localhost/" + id), 404, "M_NOT_FOUND");
    expectError(get("/_matrix/client/v1/media/download/localhost/" + id, token_), 404, "M_NOT_FOUND");
  }
  // A control character in any path parameter is refused before routing reaches the media code.
  expectError(get("/_matrix/media/v3/download/localhost/%00"), 400, "M_INVALID_PARAM");
  expectError(get("/_matrix/client/v1/media/download/localhost/%00", token_), 400, "M_INVALID_PARAM");
  expectError(get("/_matrix/media/v3/download/elsewhere.example/" + id_), 404, "M_NOT_FOUND");
  expectError(get("/_matrix/media/v3/download/bad%20server/" + id_), 400, "M_INVALID_PARAM");
  expectError(mediaRequest(*server_, "PUT", "/_matrix/media/v3/upload/localhost/a.b", "x", token_), 404,
              "M_NOT_FOUND");
}

TEST_F(MediaBadInput, TraversalAttemptsNeverLeaveTheStore) {
  const std::vector<std::string> encoded = {
      "/_matrix/media/v3/download/localhost/..%2F..%2F..%2F..%2Fetc%2Fpasswd",
      "/_matrix/media/v3/download/localhost/%2E%2E",
      "/_matrix/media/v3/download/%2E%2E/%2E%2E",
      "/_matrix/media/v3/download/..%2F..%2Fetc/passwd",
      "/_matrix/media/v3/download/localhost/" + id_ + "%2F..%2F..%2Fsigning.key",
      "/_matrix/media/v3/thumbnail/localhost/..%2F..%2Fetc%2Fpasswd?width=32&height=32"};
  for (const auto& path : encoded) {
    auto r = get(path);
    EXPECT_TRUE(r.status == 404 || r.status == 400) << path << " -> " << r.status;
    EXPECT_EQ(r.body.find("root:"), std::string::npos) << path;
  }
  // Sent byte for byte, not normalized by a client library.
  for (const std::string target : {"/_matrix/media/v3/download/localhost/../../../../etc/passwd",
                                   "/_matrix/media/v3/download/../../../../etc/passwd",
                                   "/_matrix/media/r0/download/localhost/..%2f..%2fetc%2fpasswd/x"}) {
    const std::string raw = rawGet(*server_, target);
    EXPECT_EQ(raw.rfind("HTTP/1.1 404", 0), 0u) << target << ": " << raw.substr(0, 120);
    EXPECT_EQ(raw.find("root:"), std::string::npos) << target;
  }
}

TEST_F(MediaBadInput, InvalidFilenameIs400) {
  expectError(upload(*server_, token_, "x", "text/plain", "?filename=%FF%FE"), 400, "M_INVALID_PARAM");
  expectError(upload(*server_, token_, "x", "text/plain", "?filename=" + std::string(300, 'n')), 400,
              "M_INVALID_PARAM");
}

TEST_F(MediaBadInput, BadTimeoutIs400) {
  expectError(get("/_matrix/media/v3/download/localhost/" + id_ + "?timeout_ms=soon"), 400, "M_INVALID_PARAM");
  expectError(get("/_matrix/media/v3/download/localhost/" + id_ + "?timeout_ms=-1"), 400, "M_INVALID_PARAM");
}

TEST_F(MediaBadInput, QuarantinedMediaIsNotServed) {
  const std::string id = uploadId(*server_, token_, "quarantine me", "text/plain");
  execSql(*server_, "UPDATE media SET quarantined = TRUE WHERE media_id = $1", id);
  expectError(get("/_matrix/media/v3/download/localhost/" + id), 404, "M_NOT_FOUND");
  expectError(get("/_matrix/client/v1/media/download/localhost/" + id, token_), 404, "M_NOT_FOUND");
}

TEST_F(MediaBadInput, ExpiredReservationIsGone) {
  const std::string id = mediaIdOf(mediaRequest(*server_, "POST", "/_matrix/media/v1/create", "", token_));
  execSql(*server_, "UPDATE media SET unused_expires_at = 1 WHERE media_id = $1", id);
  expectError(get("/_matrix/media/v3/download/localhost/" + id), 404, "M_NOT_FOUND");
  expectError(mediaRequest(*server_, "PUT", "/_matrix/media/v3/upload/localhost/" + id, "x", token_), 404,
              "M_NOT_FOUND");
}

}  // namespace
}  // namespace hs::test
