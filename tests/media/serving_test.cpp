#include "media/serving.h"

#include <gtest/gtest.h>

namespace hs::media {
namespace {

TEST(ContentDisposition, NoNameIsJustTheDisposition) {
  EXPECT_EQ(contentDisposition(true, std::nullopt), "inline");
  EXPECT_EQ(contentDisposition(false, std::string()), "attachment");
}

TEST(ContentDisposition, PlainAsciiNamesAreQuoted) {
  EXPECT_EQ(contentDisposition(true, "cat photo.png"), "inline; filename=\"cat photo.png\"");
}

TEST(ContentDisposition, NonAsciiNamesUseRfc8187Encoding) {
  EXPECT_EQ(contentDisposition(false, "caf\xc3\xa9 \xe2\x9c\x93.pdf"),
            "attachment; filename*=utf-8''caf%C3%A9%20%E2%9C%93.pdf");
}

TEST(ContentDisposition, QuotesBackslashesAndLineBreaksCannotEscapeTheHeader) {
  EXPECT_EQ(contentDisposition(true, "a\"b.png"), "inline; filename*=utf-8''a%22b.png");
  EXPECT_EQ(contentDisposition(true, "a\\b"), "inline; filename*=utf-8''a%5Cb");
  EXPECT_EQ(contentDisposition(true, "x\r\nSet-Cookie: a=b"),
            "inline; filename*=utf-8''x%0D%0ASet-Cookie%3A%20a%3Db");
}

TEST(SecurityHeaders, SandboxNosniffCorpAndCaching) {
  http::Response res;
  addSecurityHeaders(res, false);
  std::map<std::string, std::string> h(res.headers.begin(), res.headers.end());
  EXPECT_EQ(h["Content-Security-Policy"].rfind("sandbox; default-src 'none';", 0), 0u);
  EXPECT_EQ(h["X-Content-Type-Options"], "nosniff");
  EXPECT_EQ(h["Cross-Origin-Resource-Policy"], "cross-origin");
  EXPECT_EQ(h["Cache-Control"].rfind("private", 0), 0u);
  http::Response legacy;
  addSecurityHeaders(legacy, true);
  std::map<std::string, std::string> l(legacy.headers.begin(), legacy.headers.end());
  EXPECT_EQ(l["Cache-Control"].rfind("public", 0), 0u);
}

}  // namespace
}  // namespace hs::media
