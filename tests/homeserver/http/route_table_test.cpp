#include "homeserver/http/route_table.h"

#include <gtest/gtest.h>

namespace hs::http {
namespace {

Handler named(const std::string& name) {
  return [name](Request&, const Requester&) { return Response::json(200, name); };
}

TEST(RouteTable, MatchesParamsAndDecodesThem) {
  RouteTable t;
  t.add(Method::Get, "/_matrix/client/v3/profile/:userId", Auth::None, named("p"));
  const auto m = t.match(Method::Get, "/_matrix/client/v3/profile/%40alice%3Aexample.org");
  ASSERT_NE(m.route, nullptr);
  EXPECT_EQ(m.params.at("userId"), "@alice:example.org");
}

TEST(RouteTable, WrongMethodIsReportedAsExistingPath) {
  RouteTable t;
  t.add(Method::Get, "/a/b", Auth::None, named("x"));
  const auto m = t.match(Method::Post, "/a/b");
  EXPECT_EQ(m.route, nullptr);
  EXPECT_TRUE(m.path_exists);
  const auto none = t.match(Method::Get, "/a/c");
  EXPECT_FALSE(none.path_exists);
}

TEST(RouteTable, ClientRoutesAreServedUnderV3AndR0) {
  RouteTable t;
  t.addClient(Method::Get, "/account/whoami", Auth::AccessToken, named("w"));
  t.addClient(Method::Post, "/refresh", Auth::None, named("r"), false);
  EXPECT_NE(t.match(Method::Get, "/_matrix/client/v3/account/whoami").route, nullptr);
  EXPECT_NE(t.match(Method::Get, "/_matrix/client/r0/account/whoami").route, nullptr);
  EXPECT_EQ(t.match(Method::Post, "/_matrix/client/r0/refresh").route, nullptr);
}

TEST(RouteTable, SegmentCountMustMatch) {
  RouteTable t;
  t.add(Method::Get, "/x/:id", Auth::None, named("x"));
  EXPECT_EQ(t.match(Method::Get, "/x").route, nullptr);
  EXPECT_EQ(t.match(Method::Get, "/x/1/2").route, nullptr);
  EXPECT_EQ(t.match(Method::Get, "/x/%zz").route, nullptr);
}

TEST(QueryString, DecodesAndKeepsFirstOfRepeats) {
  const auto q = parseQueryString("a=1&b=%40x%3Ay&a=2&empty=&flag");
  EXPECT_EQ(q.at("a"), "1");
  EXPECT_EQ(q.at("b"), "@x:y");
  EXPECT_EQ(q.at("empty"), "");
  EXPECT_EQ(q.at("flag"), "");
}

TEST(PercentDecode, RejectsTruncatedEscapes) {
  EXPECT_FALSE(percentDecode("%4").has_value());
  EXPECT_EQ(percentDecode("a%20b"), "a b");
}

}  // namespace
}  // namespace hs::http
