#include "homeserver/core/matrix_error.h"

#include <gtest/gtest.h>

namespace hs::core {
namespace {

TEST(MatrixError, MapsCodeToErrcodeAndStatus) {
  EXPECT_EQ(MatrixError(ErrCode::Forbidden, "x").httpStatus(), 403);
  EXPECT_STREQ(MatrixError(ErrCode::Forbidden, "x").errcode(), "M_FORBIDDEN");
  EXPECT_EQ(MatrixError(ErrCode::UnknownToken, "x").httpStatus(), 401);
  EXPECT_EQ(MatrixError(ErrCode::LimitExceeded, "x").httpStatus(), 429);
  EXPECT_EQ(MatrixError(ErrCode::TooLarge, "x").httpStatus(), 413);
  EXPECT_EQ(MatrixError(ErrCode::NotJson, "x").httpStatus(), 400);
  EXPECT_STREQ(MatrixError(ErrCode::Unavailable, "x").errcode(), "M_UNKNOWN");
}

TEST(MatrixError, StatusOverrideForSpecOddities) {
  const MatrixError e(ErrCode::Unrecognized, "Method not allowed", 405);
  EXPECT_EQ(e.httpStatus(), 405);
  EXPECT_STREQ(e.errcode(), "M_UNRECOGNIZED");
}

TEST(MatrixError, BodyIsErrcodeAndError) {
  EXPECT_EQ(errorBody(MatrixError(ErrCode::NotFound, "No \"such\" thing")),
            R"({"errcode":"M_NOT_FOUND","error":"No \"such\" thing"})");
}

TEST(MatrixError, ExtraMembersAndRetryAfter) {
  MatrixError e(ErrCode::LimitExceeded, "slow down");
  e.withRetryAfterMs(1500);
  EXPECT_EQ(errorBody(e), R"({"errcode":"M_LIMIT_EXCEEDED","error":"slow down","retry_after_ms":1500})");
  MatrixError t(ErrCode::UnknownToken, "expired");
  t.with("soft_logout", "true");
  EXPECT_EQ(errorBody(t), R"({"errcode":"M_UNKNOWN_TOKEN","error":"expired","soft_logout":true})");
}

TEST(MatrixError, CustomBodyReplacesTheStandardOne) {
  MatrixError e(ErrCode::Unauthorized, "auth", 401);
  e.withBody(R"({"flows":[]})");
  EXPECT_EQ(errorBody(e), R"({"flows":[]})");
}

}  // namespace
}  // namespace hs::core
