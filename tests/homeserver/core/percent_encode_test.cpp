#include "homeserver/core/percent_encode.h"

#include <gtest/gtest.h>

namespace hs::core {
namespace {

TEST(PercentEncode, KeepsUnreservedAndEncodesTheRest) {
  EXPECT_EQ(percentEncode("aZ09-_.~"), "aZ09-_.~");
  EXPECT_EQ(percentEncode("@alice:example.org"), "%40alice%3Aexample.org");
  EXPECT_EQ(percentEncode("a b/c?d=e&f+g%"), "a%20b%2Fc%3Fd%3De%26f%2Bg%25");
  EXPECT_EQ(percentEncode(std::string("\xc3\xa9\x00", 3)), "%C3%A9%00");  // bytes, upper-case hex
  EXPECT_EQ(percentEncode(""), "");
}

}  // namespace
}  // namespace hs::core
