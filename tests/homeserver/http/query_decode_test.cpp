#include <gtest/gtest.h>

#include "homeserver/http/request.h"

namespace hs::http {
namespace {

TEST(QueryDecode, PlusIsASpaceInQueriesOnly) {
  EXPECT_EQ(queryDecode("caf%C3%A9+%E2%9C%93.png"), "caf\xc3\xa9 \xe2\x9c\x93.png");
  EXPECT_EQ(queryDecode("a%2Bb"), "a+b");  // an encoded plus stays a plus
  EXPECT_FALSE(queryDecode("%zz").has_value());
  EXPECT_EQ(parseQueryString("filename=my+photo.png")["filename"], "my photo.png");
  EXPECT_EQ(percentDecode("a+b"), "a+b");  // path segments keep '+'
}

}  // namespace
}  // namespace hs::http
