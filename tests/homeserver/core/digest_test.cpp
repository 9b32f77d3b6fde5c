#include "homeserver/core/digest.h"

#include <gtest/gtest.h>

#include "homeserver/core/random.h"

namespace hs::core {
namespace {

TEST(Digest, KnownSha256AndMd5) {
  EXPECT_EQ(toHex(sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(toHex(md5("abc")), "900150983cd24fb0d6963f7d28e17f72");
}

TEST(Digest, HmacSha1MatchesRfc2202) {
  EXPECT_EQ(toHex(hmacSha1("Jefe", "what do ya want for nothing?")), "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79");
  EXPECT_EQ(toHex(hmacSha1(std::string(20, '\x0b'), "Hi There")), "b617318655057264e28bc0b6fb378c8ef146be00");
}

TEST(Digest, ConstantTimeEquals) {
  EXPECT_TRUE(constantTimeEquals("secret", "secret"));
  EXPECT_FALSE(constantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(constantTimeEquals("secret", "secret2"));
}

TEST(Random, TokensAreLongUniqueAndUrlSafe) {
  SodiumRandom r;
  const std::string a = r.token("pat_");
  const std::string b = r.token("pat_");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.size(), 4u + 43u);  // 32 bytes in unpadded base64
  EXPECT_EQ(a.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_", 4),
            std::string::npos);
}

TEST(Random, AlnumHasOnlyAlphanumerics) {
  SodiumRandom r;
  const std::string s = r.alnum(200);
  EXPECT_EQ(s.size(), 200u);
  for (char c : s) {
    EXPECT_TRUE(std::isalnum(static_cast<unsigned char>(c))) << c;
  }
}

}  // namespace
}  // namespace hs::core
