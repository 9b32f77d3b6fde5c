// The spec's rule for replacing a backed-up session key.
#include "homeserver/services/e2ee/key_backup_service.h"

#include <gtest/gtest.h>

namespace hs::e2ee {
namespace {

BackupKey key(bool verified, int64_t first_index, int64_t forwarded) {
  return BackupKey{"!r:x", "s", first_index, forwarded, verified, "{}"};
}

TEST(KeyReplaces, VerifiedBeatsUnverifiedWhateverTheIndex) {
  EXPECT_TRUE(keyReplaces(key(true, 9, 9), key(false, 0, 0)));
  EXPECT_FALSE(keyReplaces(key(false, 0, 0), key(true, 9, 9)));
}

TEST(KeyReplaces, ThenLowerFirstMessageIndex) {
  EXPECT_TRUE(keyReplaces(key(false, 1, 5), key(false, 2, 0)));
  EXPECT_FALSE(keyReplaces(key(true, 3, 0), key(true, 2, 5)));
}

TEST(KeyReplaces, ThenLowerForwardedCount) {
  EXPECT_TRUE(keyReplaces(key(false, 2, 0), key(false, 2, 1)));
  EXPECT_FALSE(keyReplaces(key(false, 2, 1), key(false, 2, 0)));
}

TEST(KeyReplaces, AnEqualKeyIsKept) { EXPECT_FALSE(keyReplaces(key(true, 2, 1), key(true, 2, 1))); }

}  // namespace
}  // namespace hs::e2ee
