// Hostile JSON over real HTTP: nesting deep enough to overflow a recursive parser, NUL and lone
// surrogates in strings. Each is refused with 400 (homeserver/core/json_parse.cpp) and the
// server keeps answering.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

std::string deepArray(int depth) { return std::string(depth, '[') + std::string(depth, ']'); }

class HostileJson : public RoomSuite<HostileJson> {
 protected:
  static void expectAlive() {
    EXPECT_EQ(s().get("/_matrix/client/versions").status, 200);
  }
};

TEST_F(HostileJson, DeepBodyWithoutTokenIsRefused) {
  // ~150 KB of '[' killed a worker thread's stack, and with it the process.
  const std::string brackets(150 * 1024, '[');
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/login", brackets), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/register", brackets), 400, "M_BAD_JSON");
  expectAlive();
}

TEST_F(HostileJson, DeepContentIsRefusedOnEveryWritePath) {
  const User a = newUser("hjd");
  const std::string room = createRoom(a);
  const std::string deep = R"({"x":)" + deepArray(40000) + "}";
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.room.message", deep), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(putState(a, room, "x.y", "", deep), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/keys/upload", R"({"one_time_keys":)" + deep + "}", a.token), 400,
                      "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", R"({"creation_content":)" + deep + "}", a.token), 400,
                      "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/user/" + enc(a.id) + "/account_data/x.y", deep, a.token), 400,
                      "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/user/" + enc(a.id) + "/filter", deep, a.token), 400, "M_BAD_JSON");
  // Just within the limit (128 levels, the body object included) is fine.
  EXPECT_EQ(sendEvent(a, room, "m.room.message", R"({"x":)" + deepArray(127) + "}").status, 200);
  expectAlive();
}

TEST_F(HostileJson, DeepFilterQueryParameterIsRefused) {
  const User a = newUser("hjf");
  const std::string room = createRoom(a);
  // 2,000 levels: far past the limit, and within the 8 KiB request line once percent-encoded.
  const std::string filter = enc(R"({"room":)" + std::string(2000, '[') + "}");
  const auto messages = s().get(kV3 + "/rooms/" + enc(room) + "/messages?filter=" + filter, a.token);
  EXPECT_EQ(messages.status, 400) << messages.body;
  const auto sync = s().get(kV3 + "/sync?timeout=0&filter=" + filter, a.token);
  EXPECT_EQ(sync.status, 400) << sync.body;
  expectAlive();
}

TEST_F(HostileJson, NulInContentIsBadJson) {
  const User a = newUser("hjn");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(putState(a, room, "m.room.member", a.id, R"({"membership":"join","displayname":"eve\u0000"})"),
                      400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.room.message", R"({"body":"a\u0000b"})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/profile/" + enc(a.id) + "/displayname", R"({"displayname":"e\u0000"})", a.token),
                      400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", R"({"name":"n\u0000","topic":"t"})", a.token), 400, "M_BAD_JSON");
}

TEST_F(HostileJson, LoneSurrogatesAreBadJson) {
  const User a = newUser("hjs");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", R"({"name":"\udc00"})", a.token), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.room.message", R"({"body":"\udc00"})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(putState(a, room, "m.room.topic", "", R"({"topic":"x\udfffy"})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/user/" + enc(a.id) + "/rooms/" + enc(room) + "/tags/t",
                              R"({"order":0.5,"\udc00":1})", a.token),
                      400, "M_BAD_JSON");
  const auto devices = s().get(kV3 + "/devices", a.token).json();
  const std::string device = str(devices["devices"][0], "device_id");
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/devices/" + enc(device), R"({"display_name":"\udc00"})", a.token), 400,
                      "M_BAD_JSON");
  // A proper pair is a character like any other.
  EXPECT_EQ(sendEvent(a, room, "m.room.message", R"({"body":"\ud83d\ude00"})").status, 200);
  expectAlive();
}

}  // namespace
}  // namespace hs::test::rooms_e2e
