// The media repository over real HTTP and PostgreSQL: uploads, downloads, checksums, dedupe,
// asynchronous uploads, the serving headers and the links from events to media.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "homeserver/core/random.h"
#include "tests/e2e/media_helpers.h"

namespace hs::test {
namespace {

class MediaUpload : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer();
    alice_ = server_->registerUser("media_alice");
    bob_ = server_->registerUser("media_bob");
  }
  static void TearDownTestSuite() { delete server_; }
  static HttpResult get(const std::string& path, const std::string& token = "") {
    return mediaRequest(*server_, "GET", path, "", token);
  }
  static std::filesystem::path store() { return server_->config().media.store_path; }
  static TestServer* server_;
  static std::string alice_;
  static std::string bob_;
};
TestServer* MediaUpload::server_ = nullptr;
std::string MediaUpload::alice_;
std::string MediaUpload::bob_;

std::string randomBytes(size_t n) {
  core::SodiumRandom random;
  return random.bytes(n);
}

TEST_F(MediaUpload, RoundTripKeepsBytesAndBothChecksums) {
  const std::string bytes = randomBytes(1024 * 1024 + 7);
  const std::string id = uploadId(*server_, alice_, bytes, "application/octet-stream", "?filename=data.bin");
  EXPECT_EQ(id.size(), 24u);
  auto legacy = get("/_matrix/media/v3/download/localhost/" + id);
  auto authed = get("/_matrix/client/v1/media/download/localhost/" + id, bob_);
  ASSERT_EQ(legacy.status, 200);
  ASSERT_EQ(authed.status, 200);
  EXPECT_TRUE(legacy.body == bytes);
  EXPECT_TRUE(authed.body == bytes);
  EXPECT_EQ(authed.headers["etag"], "\"" + hexSha256(bytes) + "\"");

  const auto row = mediaRow(*server_, id);
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->sha256, hexSha256(bytes));
  EXPECT_EQ(row->md5, hexMd5(bytes));
  EXPECT_EQ(row->size, static_cast<int64_t>(bytes.size()));
  EXPECT_EQ(row->uploader, "@media_alice:localhost");
  EXPECT_EQ(row->file_type, "other");
  EXPECT_EQ(row->upload_name, "data.bin");
  std::ifstream on_disk(store() / row->storage_path, std::ios::binary);
  const std::string stored((std::istreambuf_iterator<char>(on_disk)), {});
  EXPECT_TRUE(stored == bytes) << "storage_path names the content file";
}

TEST_F(MediaUpload, ContentTypeAndDispositionFollowTheUpload) {
  const std::string png = makeImage(8, 8, ".png");
  auto image = get("/_matrix/media/v3/download/localhost/" +
                         uploadId(*server_, alice_, png, "image/png", "?filename=cat.png"));
  EXPECT_EQ(image.headers["content-type"], "image/png");
  EXPECT_EQ(image.headers["content-disposition"], "inline; filename=\"cat.png\"");

  const std::string html_id = uploadId(*server_, alice_, "<script>alert(1)</script>", "text/html", "?filename=x.html");
  auto html = get("/_matrix/media/v3/download/localhost/" + html_id);
  EXPECT_EQ(html.headers["content-type"], "text/html");
  EXPECT_EQ(html.headers["content-disposition"], "attachment; filename=\"x.html\"");

  const std::string named = uploadId(*server_, alice_, "text", "text/plain", "?filename=r%C3%A9sum%C3%A9%20%E2%9C%93.txt");
  EXPECT_EQ(get("/_matrix/media/v3/download/localhost/" + named).headers["content-disposition"],
            "inline; filename*=utf-8''r%C3%A9sum%C3%A9%20%E2%9C%93.txt");
  EXPECT_EQ(get("/_matrix/client/v1/media/download/localhost/" + named + "/other%20name.txt", bob_)
                .headers["content-disposition"],
            "inline; filename=\"other name.txt\"");

  const std::string anonymous = uploadId(*server_, alice_, "x", "");
  auto plain = get("/_matrix/media/v3/download/localhost/" + anonymous);
  EXPECT_EQ(plain.headers["content-type"], "application/octet-stream");
  EXPECT_EQ(plain.headers["content-disposition"], "attachment");
  // A file name given only in the download URL is served, on both paths; an empty one is none.
  EXPECT_EQ(get("/_matrix/media/v3/download/localhost/" + anonymous + "/given.bin").headers["content-disposition"],
            "attachment; filename=\"given.bin\"");
  EXPECT_EQ(get("/_matrix/client/v1/media/download/localhost/" + anonymous + "/given.bin", bob_)
                .headers["content-disposition"],
            "attachment; filename=\"given.bin\"");
  EXPECT_EQ(get("/_matrix/media/v3/download/localhost/" + anonymous + "/").headers["content-disposition"],
            "attachment");
  EXPECT_EQ(mediaRow(*server_, html_id)->file_type, "document");
}

TEST_F(MediaUpload, EveryMediaResponseCarriesTheSecurityHeaders) {
  const std::string id = uploadId(*server_, alice_, "hello", "text/plain");
  for (auto r : {get("/_matrix/media/v3/download/localhost/" + id),
                        get("/_matrix/client/v1/media/download/localhost/" + id, bob_)}) {
    EXPECT_EQ(r.headers.at("content-security-policy").rfind("sandbox; default-src 'none';", 0), 0u);
    EXPECT_EQ(r.headers.at("x-content-type-options"), "nosniff");
    EXPECT_EQ(r.headers.at("cross-origin-resource-policy"), "cross-origin");
    EXPECT_EQ(r.headers.at("access-control-allow-origin"), "*");
  }
  EXPECT_EQ(get("/_matrix/client/v1/media/download/localhost/" + id, bob_).headers["cache-control"].rfind("private", 0), 0u);
}

TEST_F(MediaUpload, R0PathsServeMatrixNio) {
  // nio 0.20: r0 only, the token as a query parameter, an empty trailing file name segment.
  const std::string bytes = randomBytes(4096);
  auto r = httpRequest("POST", server_->url("/_matrix/media/r0/upload?filename=n.bin&access_token=" + alice_),
                             bytes, {"Content-Type: application/octet-stream", "Expect:"});
  const std::string id = mediaIdOf(r);
  auto dl = get("/_matrix/media/r0/download/localhost/" + id + "/?allow_remote=true");
  EXPECT_EQ(dl.status, 200);
  EXPECT_TRUE(dl.body == bytes);
  EXPECT_EQ(dl.headers["content-disposition"], "attachment; filename=\"n.bin\"");
  EXPECT_EQ(get("/_matrix/media/r0/config", alice_).status, 200);
}

TEST_F(MediaUpload, IdenticalUploadsShareOneFileButKeepTheirOwnRows) {
  const std::string bytes = randomBytes(200000);
  const size_t before = filesUnder(store() / "content");
  const std::string a = uploadId(*server_, alice_, bytes, "application/pdf", "?filename=a.pdf");
  const std::string b = uploadId(*server_, bob_, bytes, "application/pdf", "?filename=b.pdf");
  EXPECT_NE(a, b);
  EXPECT_EQ(filesUnder(store() / "content"), before + 1);
  EXPECT_EQ(mediaRow(*server_, a)->sha256, mediaRow(*server_, b)->sha256);
  EXPECT_EQ(mediaRow(*server_, b)->uploader, "@media_bob:localhost");
  EXPECT_EQ(mediaRow(*server_, a)->file_type, "document");
  auto da = get("/_matrix/media/v3/download/localhost/" + a);
  auto db = get("/_matrix/media/v3/download/localhost/" + b);
  EXPECT_TRUE(da.body == bytes && db.body == bytes);
  EXPECT_EQ(da.headers["content-disposition"], "attachment; filename=\"a.pdf\"");
  EXPECT_EQ(db.headers["content-disposition"], "attachment; filename=\"b.pdf\"");
}

TEST_F(MediaUpload, AsyncUploadFillsAReservedId) {
  auto created = mediaRequest(*server_, "POST", "/_matrix/media/v1/create", "", alice_);
  ASSERT_EQ(created.status, 200) << created.body;
  const auto doc = created.json();
  EXPECT_GT(doc["unused_expires_at"].GetInt64(), 1'700'000'000'000);
  const std::string id = mediaIdOf(created);

  auto start = std::chrono::steady_clock::now();
  auto early = get("/_matrix/client/v1/media/download/localhost/" + id + "?timeout_ms=200", bob_);
  EXPECT_EQ(early.status, 504);
  EXPECT_NE(early.body.find("M_NOT_YET_UPLOADED"), std::string::npos);
  EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(190));

  // A download waiting for the upload gets the bytes as soon as they land.
  HttpResult waited;
  start = std::chrono::steady_clock::now();
  std::thread waiter([&] { waited = get("/_matrix/media/v3/download/localhost/" + id + "?timeout_ms=15000"); });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  auto put = mediaRequest(*server_, "PUT", "/_matrix/media/v3/upload/localhost/" + id + "?filename=late.txt",
                                "arrived late", alice_, "text/plain");
  waiter.join();
  EXPECT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(put.body, "{}");
  EXPECT_EQ(waited.status, 200);
  EXPECT_EQ(waited.body, "arrived late");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));

  auto again = mediaRequest(*server_, "PUT", "/_matrix/media/v3/upload/localhost/" + id, "x", alice_);
  EXPECT_EQ(again.status, 409);
  EXPECT_NE(again.body.find("M_CANNOT_OVERWRITE_MEDIA"), std::string::npos);
  const std::string other = mediaIdOf(mediaRequest(*server_, "POST", "/_matrix/media/v1/create", "", alice_));
  auto foreign = mediaRequest(*server_, "PUT", "/_matrix/media/v3/upload/localhost/" + other, "x", bob_);
  EXPECT_EQ(foreign.status, 403);
  EXPECT_EQ(mediaRequest(*server_, "PUT", "/_matrix/media/v3/upload/localhost/NoSuchId", "x", alice_).status, 404);
}

TEST_F(MediaUpload, ConfigReportsTheUploadLimit) {
  for (const char* path : {"/_matrix/client/v1/media/config", "/_matrix/media/v3/config"}) {
    auto r = get(path, alice_);
    ASSERT_EQ(r.status, 200) << path;
    EXPECT_EQ(r.json()["m.upload.size"].GetInt64(), server_->config().media.max_upload_size);
  }
}

TEST_F(MediaUpload, AuthenticatedEndpointsNeedAToken) {
  const std::string id = uploadId(*server_, alice_, "secret-ish", "text/plain");
  EXPECT_EQ(get("/_matrix/client/v1/media/download/localhost/" + id).status, 401);
  EXPECT_EQ(get("/_matrix/client/v1/media/download/localhost/" + id, "not-a-token").status, 401);
  EXPECT_EQ(get("/_matrix/client/v1/media/thumbnail/localhost/" + id + "?width=32&height=32").status, 401);
  EXPECT_EQ(get("/_matrix/client/v1/media/config").status, 401);
  EXPECT_EQ(upload(*server_, "", "x", "text/plain").status, 401);
  EXPECT_EQ(mediaRequest(*server_, "POST", "/_matrix/media/v1/create", "", "").status, 401);
  EXPECT_EQ(get("/_matrix/media/v3/download/localhost/" + id).status, 200);  // legacy: open
}

TEST_F(MediaUpload, MessagesAreLinkedToTheMediaTheyCarry) {
  const std::string image = uploadId(*server_, alice_, makeImage(64, 48, ".png"), "image/png");
  const std::string thumb = uploadId(*server_, alice_, makeImage(32, 24, ".png"), "image/png");
  const auto room = server_->post("/_matrix/client/v3/createRoom", "{}", alice_);
  ASSERT_EQ(room.status, 200) << room.body;
  const std::string room_id = room.json()["room_id"].GetString();
  const std::string content = R"({"msgtype":"m.image","body":"a.png","url":"mxc://localhost/)" + image +
                              R"(","info":{"w":64,"h":48,"thumbnail_url":"mxc://localhost/)" + thumb + R"("}})";
  const auto sent = server_->put("/_matrix/client/v3/rooms/" + room_id + "/send/m.room.message/m1", content, alice_);
  ASSERT_EQ(sent.status, 200) << sent.body;
  const std::string event_id = sent.json()["event_id"].GetString();
  pqxx::connection c(server_->config().database.url);
  pqxx::read_transaction tx(c);
  const auto refs = tx.exec_params(
      "SELECT media_id, field, room_id FROM media_event_refs WHERE event_id = $1 ORDER BY field", event_id);
  ASSERT_EQ(refs.size(), 2u);
  EXPECT_EQ(refs[0][0].as<std::string>(), thumb);
  EXPECT_EQ(refs[0][1].as<std::string>(), "info.thumbnail_url");
  EXPECT_EQ(refs[1][0].as<std::string>(), image);
  EXPECT_EQ(refs[1][1].as<std::string>(), "url");
  EXPECT_EQ(refs[1][2].as<std::string>(), room_id);
}

TEST(MediaFreeze, NewUploadsOnlyThroughAuthenticatedEndpoints) {
  TestServer server([](config::Config& c) { c.media.freeze_unauthenticated = true; });
  const std::string token = server.registerUser("freezer");
  const std::string id = uploadId(server, token, "fresh", "text/plain");
  EXPECT_EQ(mediaRequest(server, "GET", "/_matrix/media/v3/download/localhost/" + id, "", "").status, 404);
  EXPECT_EQ(mediaRequest(server, "GET", "/_matrix/client/v1/media/download/localhost/" + id, "", token).status, 200);
  // Media from before the freeze stays reachable on the legacy endpoints.
  execSql(server, "UPDATE media SET authenticated_only = FALSE WHERE media_id = $1", id);
  EXPECT_EQ(mediaRequest(server, "GET", "/_matrix/media/v3/download/localhost/" + id, "", "").status, 200);
}

TEST(MediaRateLimit, UploadsPerUserAreLimited) {
  TestServer server([](config::Config& c) {
    c.rate_limits.enabled = true;
    c.rate_limits.media_upload_per_user = {0.01, 2};
  });
  const std::string token = server.registerUser("uploader");
  EXPECT_EQ(upload(server, token, "1", "text/plain").status, 200);
  EXPECT_EQ(upload(server, token, "2", "text/plain").status, 200);
  auto limited = upload(server, token, "3", "text/plain");
  EXPECT_EQ(limited.status, 429);
  EXPECT_NE(limited.body.find("M_LIMIT_EXCEEDED"), std::string::npos);
  EXPECT_FALSE(limited.headers["retry-after"].empty());
}

}  // namespace
}  // namespace hs::test
