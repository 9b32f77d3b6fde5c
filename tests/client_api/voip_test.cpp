#include "client_api/handlers/voip.h"

#include <gtest/gtest.h>

namespace hs::client {
namespace {

TEST(TurnPassword, IsWhatCoturnComputes) {
  // python3: base64.b64encode(hmac.new(b"s3cret", b"1700000000:@voipuser:localhost", sha1).digest())
  EXPECT_EQ(turnPassword("s3cret", "1700000000:@voipuser:localhost"), "lzuuzc0Y/e9764YggU5GoDtOS1A=");
}

}  // namespace
}  // namespace hs::client
