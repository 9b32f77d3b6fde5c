#include "homeserver/core/ids.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"

namespace hs::core {
namespace {

TEST(UserId, ParsesLocalpartAndServer) {
  const UserId u = UserId::parse("@alice:example.org:8448");
  EXPECT_EQ(u.localpart(), "alice");
  EXPECT_EQ(u.server(), "example.org:8448");
}

TEST(UserId, RejectsMalformed) {
  for (const char* bad : {"alice:example.org", "@:example.org", "@alice", "@alice:", "@al ice:x.org",
                          "@alice:exa mple.org", "@alice:host:99999"}) {
    EXPECT_THROW(UserId::parse(bad), MatrixError) << bad;
  }
}

TEST(UserId, RejectsOver255Bytes) {
  EXPECT_THROW(UserId::parse("@" + std::string(250, 'a') + ":example.org"), MatrixError);
}

TEST(ServerName, AcceptsHostsIpsAndPorts) {
  for (const char* ok : {"example.org", "localhost:8008", "1.2.3.4", "[::1]", "[::1]:8448"}) {
    EXPECT_TRUE(isValidServerName(ok)) << ok;
  }
  for (const char* bad : {"", "exa_mple.org", "host:", "host:abc", "[::1", "a b"}) {
    EXPECT_FALSE(isValidServerName(bad)) << bad;
  }
}

TEST(Localpart, NewUsersGrammar) {
  EXPECT_TRUE(isValidNewLocalpart("alice.smith_1=-/+"));
  EXPECT_FALSE(isValidNewLocalpart("Alice"));
  EXPECT_FALSE(isValidNewLocalpart("al ice"));
  EXPECT_FALSE(isValidNewLocalpart(""));
  EXPECT_FALSE(isValidNewLocalpart("bob:x"));
}

}  // namespace
}  // namespace hs::core
