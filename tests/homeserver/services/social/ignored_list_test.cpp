// m.ignored_user_list content, the Matrix view of the block list.
#include "homeserver/services/social/ignored_list.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"

namespace hs::social {
namespace {

TEST(IgnoredList, ParsesAndRendersTheSameSet) {
  const auto users = parseIgnoredUsers(R"({"ignored_users":{"@b:x":{},"@a:x":{}}})");
  EXPECT_EQ(users, (std::set<std::string>{"@a:x", "@b:x"}));
  EXPECT_EQ(renderIgnoredUsers(users), R"({"ignored_users":{"@a:x":{},"@b:x":{}}})");
  EXPECT_TRUE(parseIgnoredUsers("{}").empty());
  EXPECT_EQ(renderIgnoredUsers({}), R"({"ignored_users":{}})");
}

TEST(IgnoredList, RefusesWrongShapes) {
  auto code = [](const std::string& body) {
    try {
      parseIgnoredUsers(body);
    } catch (const core::MatrixError& e) {
      return std::string(e.errcode());
    }
    return std::string("none");
  };
  EXPECT_EQ(code(R"({"ignored_users":["@a:x"]})"), "M_BAD_JSON");
  EXPECT_EQ(code(R"({"ignored_users":{"not-a-user":{}}})"), "M_BAD_JSON");
  EXPECT_EQ(code("[1]"), "M_BAD_JSON");
}

}  // namespace
}  // namespace hs::social
