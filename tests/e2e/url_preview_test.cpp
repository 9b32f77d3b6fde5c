// GET /preview_url over real HTTP: a page served over TLS by a scripted server, fetched through
// the outbound client (redirects, size cap, error statuses, cache), the private-address
// refusal, and the switch that is off by default.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"
#include "tests/support/scripted_https_server.h"
#include "tests/support/test_pki.h"

namespace hs::test::rooms_e2e {
namespace {

const std::string kPage =
    R"(<html><head><title>Fallback title</title><meta property="og:title" content="Parley &amp; friends">)"
    R"(<meta property="og:description" content="A homeserver"><meta property="og:image" content="https://x/i.png">)"
    R"(</head><body><p>unclosed <b>markup</body>)";

http::Response html(std::string body) {
  http::Response r;
  r.status = 200;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  return r;
}

class UrlPreview : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    pki_ = new TestPki();
    const auto cert = pki_->issue("pages", {"localhost"});
    pages_ = new ScriptedHttpsServer(cert.cert_path, cert.key_path);
    pages_->on("GET", "/page", [](const http::Request&) { return html(kPage); });
    pages_->on("GET", "/plain", [](const http::Request&) {
      return html(R"(<title> Just a title </title><meta name="description" content="Described">)");
    });
    pages_->on("GET", "/moved", [](const http::Request&) {
      http::Response r;
      r.status = 302;
      r.header("Location", "/plain");
      return r;
    });
    pages_->on("GET", "/big", [](const http::Request&) { return html(std::string(64 * 1024, 'x')); });
    pages_->on("GET", "/gone", [](const http::Request&) { return http::Response::json(404, "{}"); });
    pages_->start();
    const std::string ca = pki_->caFile();
    server_ = new TestServer([ca](config::Config& c) {
      c.url_preview.enabled = true;
      c.url_preview.max_size = 16 * 1024;
      c.federation.ca_file = ca;
    });
    token_ = server_->registerUser("previewer");
  }
  static void TearDownTestSuite() {
    delete server_;
    delete pages_;
    delete pki_;
  }
  static std::string pageUrl(const std::string& path) {
    return "https://localhost:" + std::to_string(pages_->port()) + path;
  }
  static HttpResult preview(const std::string& url, const std::string& prefix = "/_matrix/client/v1/media") {
    return server_->get(prefix + "/preview_url?url=" + enc(url), token_);
  }
  static TestPki* pki_;
  static ScriptedHttpsServer* pages_;
  static TestServer* server_;
  static std::string token_;
};
TestPki* UrlPreview::pki_ = nullptr;
ScriptedHttpsServer* UrlPreview::pages_ = nullptr;
TestServer* UrlPreview::server_ = nullptr;
std::string UrlPreview::token_;

TEST_F(UrlPreview, OpenGraphOfAPageAndItsCache) {
  const auto r = preview(pageUrl("/page"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(str(doc, "og:title"), "Parley & friends");
  EXPECT_EQ(str(doc, "og:description"), "A homeserver");
  EXPECT_FALSE(doc.HasMember("og:image"));  // the spec wants an mxc:// URI there
  const auto again = preview(pageUrl("/page"), "/_matrix/media/v3");
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, r.body);
  EXPECT_EQ(pages_->hits("/page"), 1);  // served from the cache
}

TEST_F(UrlPreview, TitleAndDescriptionFallbacksAndRedirects) {
  const auto r = preview(pageUrl("/moved"));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json(), "og:title"), "Just a title");
  EXPECT_EQ(str(r.json(), "og:description"), "Described");
}

TEST_F(UrlPreview, TooLargeOrFailingPagesAre502) {
  EXPECT_MATRIX_ERROR(preview(pageUrl("/big")), 502, "M_UNKNOWN");
  EXPECT_MATRIX_ERROR(preview(pageUrl("/gone")), 502, "M_UNKNOWN");
}

TEST_F(UrlPreview, BadRequests) {
  EXPECT_MATRIX_ERROR(server_->get("/_matrix/client/v1/media/preview_url", token_), 400, "M_MISSING_PARAM");
  EXPECT_MATRIX_ERROR(preview("ftp://localhost/file"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(preview("javascript:alert(1)"), 400, "M_INVALID_PARAM");
  EXPECT_EQ(server_->get("/_matrix/client/v1/media/preview_url?url=" + enc(pageUrl("/page"))).status, 401);
}

// Without a whitelist entry, loopback and private addresses are refused after DNS.
TEST_F(UrlPreview, PrivateAddressesAreRefused) {
  const std::string ca = pki_->caFile();
  TestServer strict([ca](config::Config& c) {
    c.url_preview.enabled = true;
    c.federation.ca_file = ca;
    c.federation.ip_range_whitelist = {};
  });
  const std::string token = strict.registerUser("strict");
  const int before = pages_->hits("/plain");
  EXPECT_MATRIX_ERROR(strict.get("/_matrix/client/v1/media/preview_url?url=" + enc(pageUrl("/plain")), token), 403,
                      "M_FORBIDDEN");
  EXPECT_EQ(pages_->hits("/plain"), before);  // never connected
}

TEST(UrlPreviewDisabled, IsUnrecognizedByDefault) {
  TestServer server;
  const std::string token = server.registerUser("nopreview");
  EXPECT_MATRIX_ERROR(server.get("/_matrix/client/v1/media/preview_url?url=" + enc("https://example.org/"), token),
                      404, "M_UNRECOGNIZED");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
