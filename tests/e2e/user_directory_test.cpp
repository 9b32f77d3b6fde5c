// POST /user_directory/search over real HTTP: who a searcher finds, and who drops out when a
// room stops being public.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class UserDirectory : public RoomSuite<UserDirectory> {
 protected:
  static std::vector<std::string> found(const User& searcher, const std::string& term) {
    const auto r = s().post(kV3 + "/user_directory/search", R"({"search_term":")" + term + R"("})", searcher.token);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> out;
    const auto doc = r.json();
    for (const auto& u : doc["results"].GetArray()) {
      out.push_back(str(u, "user_id"));
    }
    return out;
  }
};

TEST_F(UserDirectory, MembersOfAPublicRoomDropOutWhenItTurnsPrivate) {
  const User host = newUser("ud_host");
  const User member = newUser("ud_member");
  const User stranger = newUser("ud_stranger");
  const std::string room = publicRoom(host);  // join rule public, not published
  ASSERT_EQ(join(member, room).status, 200);
  EXPECT_EQ(found(stranger, "ud_member"), std::vector<std::string>{member.id});
  ASSERT_EQ(putState(host, room, "m.room.join_rules", "", R"({"join_rule":"invite"})").status, 200);
  EXPECT_TRUE(found(stranger, "ud_member").empty());
  // World-readable history makes a room public too; and room mates always find each other.
  ASSERT_EQ(putState(host, room, "m.room.history_visibility", "", R"({"history_visibility":"world_readable"})").status,
            200);
  EXPECT_EQ(found(stranger, "ud_member"), std::vector<std::string>{member.id});
  ASSERT_EQ(putState(host, room, "m.room.history_visibility", "", R"({"history_visibility":"shared"})").status, 200);
  EXPECT_TRUE(found(stranger, "ud_member").empty());
  EXPECT_EQ(found(host, "ud_member"), std::vector<std::string>{member.id});
}

}  // namespace
}  // namespace hs::test::rooms_e2e
