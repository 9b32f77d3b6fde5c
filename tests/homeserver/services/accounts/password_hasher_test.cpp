#include "homeserver/services/accounts/password_hasher.h"

#include <gtest/gtest.h>

namespace hs::accounts {
namespace {

TEST(PasswordHasher, Argon2idRoundTrip) {
  const PasswordHasher h(1, 8);
  const std::string hash = h.hash("correct horse");
  EXPECT_EQ(hash.rfind("$argon2id$", 0), 0u);
  EXPECT_TRUE(h.verify("correct horse", hash));
  EXPECT_FALSE(h.verify("correct horsf", hash));
}

TEST(PasswordHasher, SaltedSoHashesDiffer) {
  const PasswordHasher h(1, 8);
  EXPECT_NE(h.hash("same"), h.hash("same"));
}

TEST(PasswordHasher, MalformedHashNeverVerifies) {
  const PasswordHasher h(1, 8);
  EXPECT_FALSE(h.verify("x", ""));
  EXPECT_FALSE(h.verify("x", "$argon2id$garbage"));
  EXPECT_FALSE(h.verify("x", std::string(500, 'a')));
}

}  // namespace
}  // namespace hs::accounts
