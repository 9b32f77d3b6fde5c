#include "homeserver/http/connection_limits.h"

#include <gtest/gtest.h>

namespace hs::http {
namespace {

TEST(ConnectionLimits, CountsEveryAdmittedConnectionButNotTheRefusedOnes) {
  ConnectionLimits limits(3, 2);
  EXPECT_EQ(limits.admit("10.0.0.1"), ConnectionLimits::Verdict::Admitted);
  EXPECT_EQ(limits.admit("10.0.0.1"), ConnectionLimits::Verdict::Admitted);
  EXPECT_EQ(limits.admit("10.0.0.1"), ConnectionLimits::Verdict::OverAddress);
  EXPECT_EQ(limits.admit("10.0.0.2"), ConnectionLimits::Verdict::Admitted);
  EXPECT_EQ(limits.admit("10.0.0.3"), ConnectionLimits::Verdict::OverTotal);
  limits.release("10.0.0.1");
  EXPECT_EQ(limits.admit("10.0.0.3"), ConnectionLimits::Verdict::Admitted);
  EXPECT_EQ(limits.open(), 3u);
  EXPECT_EQ(limits.admittedSinceStart(), 4u);  // closed ones stay counted
}

}  // namespace
}  // namespace hs::http
