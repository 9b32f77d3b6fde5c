// Guest access over real HTTP: register?kind=guest when allowed, the routes a guest may and
// may not call, m.room.guest_access on joins, only m.room.message sends, and the upgrade to a
// full account keeping the user id.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

struct Guest {
  std::string id;
  std::string token;
};

class GuestAccess : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    server_ = new TestServer([](config::Config& c) { c.registration.allow_guest_access = true; });
  }
  static void TearDownTestSuite() { delete server_; }
  static Guest newGuest() {
    const auto r = server_->post(kV3 + "/register?kind=guest", "{}");
    EXPECT_EQ(r.status, 200) << r.body;
    const auto doc = r.json();
    EXPECT_FALSE(str(doc, "device_id").empty());
    return Guest{str(doc, "user_id"), str(doc, "access_token")};
  }
  static User newUser(const std::string& local) {
    return User{"@" + local + ":localhost", server_->registerUser(local)};
  }
  static std::string room(const User& u, const std::string& guest_access) {
    const auto r = server_->post(kV3 + "/createRoom",
                                 R"({"preset":"public_chat","initial_state":[{"type":"m.room.guest_access",)"
                                 R"("state_key":"","content":{"guest_access":")" + guest_access + R"("}}]})",
                                 u.token);
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "room_id");
  }
  static TestServer* server_;
};
TestServer* GuestAccess::server_ = nullptr;

TEST_F(GuestAccess, GuestJoinsCanJoinRoomsOnlyAndSendsMessagesOnly) {
  const User host = newUser("g_host");
  const std::string open = room(host, "can_join");
  const std::string closed = room(host, "forbidden");
  const Guest g = newGuest();
  ASSERT_EQ(server_->get(kV3 + "/account/whoami", g.token).status, 200);
  EXPECT_MATRIX_ERROR(server_->post(kV3 + "/rooms/" + enc(closed) + "/join", "{}", g.token), 403,
                      "M_GUEST_ACCESS_FORBIDDEN");
  ASSERT_EQ(server_->post(kV3 + "/rooms/" + enc(open) + "/join", "{}", g.token).status, 200);
  const auto sent = server_->put(kV3 + "/rooms/" + enc(open) + "/send/m.room.message/t1",
                                 R"({"msgtype":"m.text","body":"hi from a guest"})", g.token);
  EXPECT_EQ(sent.status, 200) << sent.body;
  EXPECT_MATRIX_ERROR(server_->put(kV3 + "/rooms/" + enc(open) + "/send/m.reaction/t2", "{}", g.token), 403,
                      "M_GUEST_ACCESS_FORBIDDEN");
  const auto sync = server_->get(kV3 + "/sync", g.token);
  ASSERT_EQ(sync.status, 200);
  EXPECT_TRUE(sync.json()["rooms"]["join"].HasMember(open.c_str()));
  EXPECT_EQ(server_->get(kV3 + "/rooms/" + enc(open) + "/messages?dir=b", g.token).status, 200);
  EXPECT_EQ(server_->post(kV3 + "/rooms/" + enc(open) + "/leave", "{}", g.token).status, 200);
}

TEST_F(GuestAccess, GuestsAreRefusedEverythingElse) {
  const Guest g = newGuest();
  EXPECT_MATRIX_ERROR(server_->post(kV3 + "/createRoom", "{}", g.token), 403, "M_GUEST_ACCESS_FORBIDDEN");
  EXPECT_MATRIX_ERROR(server_->put(kV3 + "/user/" + enc(g.id) + "/account_data/x.y", "{}", g.token), 403,
                      "M_GUEST_ACCESS_FORBIDDEN");
  EXPECT_MATRIX_ERROR(server_->post(kV3 + "/search", R"({"search_categories":{}})", g.token), 403,
                      "M_GUEST_ACCESS_FORBIDDEN");
  EXPECT_MATRIX_ERROR(server_->post(kV3 + "/account/password", R"({"new_password":"abcdefgh1"})", g.token), 403,
                      "M_GUEST_ACCESS_FORBIDDEN");
  EXPECT_MATRIX_ERROR(server_->post(kV3 + "/rooms/" + enc("!x:localhost") + "/invite", R"({"user_id":"@a:localhost"})",
                                    g.token),
                      403, "M_GUEST_ACCESS_FORBIDDEN");
  // The room directory reads as without a token.
  EXPECT_EQ(server_->get("/_matrix/client/r0/publicRooms", g.token).status, 200);
}

TEST_F(GuestAccess, UpgradeKeepsTheUserIdAndEndsTheGuestLimits) {
  const Guest g = newGuest();
  const auto r = server_->post(kV3 + "/register",
                               R"({"auth":{"type":"m.login.dummy"},"password":"upgraded-pass1","guest_access_token":")" +
                                   g.token + "\"}");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(str(r.json(), "user_id"), g.id);
  const std::string token = str(r.json(), "access_token");
  EXPECT_EQ(server_->post(kV3 + "/createRoom", "{}", token).status, 200);
  // A full account's token is no guest token: upgrading again is refused.
  EXPECT_MATRIX_ERROR(server_->post(kV3 + "/register",
                                    R"({"auth":{"type":"m.login.dummy"},"password":"x-pass-123","guest_access_token":")" +
                                        token + "\"}"),
                      403, "M_FORBIDDEN");
  const auto login = server_->post(kV3 + "/login",
                                   R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")" + g.id +
                                       R"("},"password":"upgraded-pass1"})");
  EXPECT_EQ(login.status, 200) << login.body;
}

TEST_F(GuestAccess, BadKindIsRefused) {
  EXPECT_MATRIX_ERROR(server_->post(kV3 + "/register?kind=robot", "{}"), 400, "M_INVALID_PARAM");
}

// Off by default.
TEST(GuestAccessDisabled, RegisterKindGuestIsForbidden) {
  TestServer server;
  const auto r = server.post(kV3 + "/register?kind=guest", "{}");
  EXPECT_EQ(r.status, 403);
  EXPECT_EQ(errcodeOf(r), "M_GUEST_ACCESS_FORBIDDEN");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
