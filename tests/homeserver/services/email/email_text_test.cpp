// The verification email's pure parts: addresses, secrets, the template and the message.
#include "homeserver/services/email/email_text.h"

#include <gtest/gtest.h>

namespace hs::email {
namespace {

TEST(NormalizeAddress, LowerCasesPlausibleAddressesOnly) {
  EXPECT_EQ(normalizeAddress("Zoe@Example.ORG").value_or(""), "zoe@example.org");
  EXPECT_FALSE(normalizeAddress("no-at-sign"));
  EXPECT_FALSE(normalizeAddress("@example.org"));
  EXPECT_FALSE(normalizeAddress("zoe@"));
  EXPECT_FALSE(normalizeAddress("a@b@c"));
  EXPECT_FALSE(normalizeAddress("zoe @example.org"));
  EXPECT_FALSE(normalizeAddress("zoe@example.org\r\nBcc: x@y"));
  EXPECT_FALSE(normalizeAddress("<zoe@example.org>"));
  EXPECT_FALSE(normalizeAddress(std::string(250, 'a') + "@x.org"));
}

TEST(ClientSecret, FollowsTheSpecGrammar) {
  EXPECT_TRUE(isValidClientSecret("monkeys_are_GREAT.=-1"));
  EXPECT_FALSE(isValidClientSecret(""));
  EXPECT_FALSE(isValidClientSecret("has space"));
  EXPECT_FALSE(isValidClientSecret(std::string(256, 'a')));
}

TEST(RenderTemplate, ReplacesKnownPlaceholdersOnly) {
  EXPECT_EQ(renderTemplate("Code {code} for {who} {", {{"code", "123456"}}), "Code 123456 for {who} {");
  EXPECT_EQ(renderTemplate("{a}{a}", {{"a", "{a}"}}), "{a}{a}");  // no re-expansion
}

TEST(ComposeMessage, HeadersCrlfAndEncodedSubject) {
  const std::string m = composeMessage({"Parley <noreply@example.org>", "zoe@example.org", "Código",
                                        "line one\nline two", "Mon, 01 Jan 2024 00:00:00 +0000", "id@x"});
  EXPECT_NE(m.find("From: Parley <noreply@example.org>\r\n"), std::string::npos);
  EXPECT_NE(m.find("To: <zoe@example.org>\r\n"), std::string::npos);
  EXPECT_NE(m.find("Subject: =?UTF-8?B?Q8OzZGlnbw==?=\r\n"), std::string::npos);
  EXPECT_NE(m.find("Content-Type: text/plain; charset=utf-8\r\n"), std::string::npos);
  EXPECT_NE(m.find("\r\n\r\nline one\r\nline two\r\n"), std::string::npos);
  const std::string injected = composeMessage({"a <a@b>", "z@x", "Hi\r\nBcc: evil@x", "b", "d", "i"});
  EXPECT_EQ(injected.find("\r\nBcc:"), std::string::npos);
}

TEST(EnvelopeAddress, TakesTheAngleBracketPart) {
  EXPECT_EQ(envelopeAddress("Parley <noreply@example.org>"), "noreply@example.org");
  EXPECT_EQ(envelopeAddress("noreply@example.org"), "noreply@example.org");
}

TEST(Rfc5322Date, IsUtc) { EXPECT_EQ(rfc5322Date(0), "Thu, 01 Jan 1970 00:00:00 +0000"); }

}  // namespace
}  // namespace hs::email
