// Odd and malformed room requests: each gets a Matrix error or a sane answer, never a 500.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomBadInput : public RoomSuite<RoomBadInput> {
 protected:
  static void expectClientError(const HttpResult& r, const std::string& what) {
    EXPECT_GE(r.status, 400) << what << ": " << r.body;
    EXPECT_LT(r.status, 500) << what << ": " << r.body;
    EXPECT_NE(errcodeOf(r), "(none)") << what << ": " << r.body;
  }
};

TEST_F(RoomBadInput, MalformedMemberEventsAreRefused) {
  const User a = newUser("bim");
  const User b = newUser("bimb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  for (const char* content : {R"({})", R"({"membership":5})", R"({"membership":"xyz"})",
                              R"({"membership":"knock"})"}) {
    expectClientError(putState(a, room, "m.room.member", b.id, content), content);
    expectClientError(putState(b, room, "m.room.member", b.id, content), content);
  }
  EXPECT_MATRIX_ERROR(sendEvent(a, room, "m.room.member", R"({"membership":"join"})"), 403, "M_FORBIDDEN");
  EXPECT_MATRIX_ERROR(putState(a, room, "m.room.create", "", "{}"), 403, "M_FORBIDDEN");
  EXPECT_EQ(str(getState(a, room, "m.room.member", b.id).json(), "membership"), "join");
}

TEST_F(RoomBadInput, MalformedPowerLevelsAreRefused) {
  const User a = newUser("bipl");
  const std::string room = createRoom(a);
  for (const char* content : {R"({"users":5})", R"({"users":{"notauser":5}})", R"({"ban":"50"})",
                              R"({"events":{"x":"a"}})", R"({"notifications":[]})"}) {
    const auto r = putState(a, room, "m.room.power_levels", "", content);
    EXPECT_TRUE(r.status == 400 || r.status == 403) << content << ": " << r.body;
  }
  EXPECT_MATRIX_ERROR(putState(a, room, "m.room.power_levels", "", R"({"users_default":1.5})"), 400, "M_BAD_JSON");
  // The room still has its original levels.
  EXPECT_EQ(getState(a, room, "m.room.power_levels").json()["users"][a.id.c_str()].GetInt(), 100);
}

TEST_F(RoomBadInput, OversizedFieldsAreRefused) {
  const User a = newUser("bis");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(putState(a, room, "x.y", std::string(300, 'k'), "{}"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(sendEvent(a, room, std::string(300, 't'), "{}"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/createRoom", R"({"name":")" + std::string(70000, 'n') + "\"}", a.token),
                      413, "M_TOO_LARGE");
  EXPECT_EQ(s().get(kV3 + "/joined_rooms", a.token).json()["joined_rooms"].Size(), 1u);
}

TEST_F(RoomBadInput, CreateRoomThatCannotBeBuiltLeavesNothingBehind) {
  const User a = newUser("bic");
  // initial_state with invalid power levels, an override that strips the creator's power,
  // and inviting oneself all fail the auth rules part way through.
  for (const std::string body :
       {std::string(R"({"initial_state":[{"type":"m.room.power_levels","content":{"users":5}}]})"),
        std::string(R"({"power_level_content_override":{"users":{}}})"),
        R"({"invite":[")" + a.id + R"("]})", std::string(R"({"invite":["@x:example.org"]})")}) {
    expectClientError(s().post(kV3 + "/createRoom", body, a.token), body);
  }
  EXPECT_EQ(s().get(kV3 + "/joined_rooms", a.token).json()["joined_rooms"].Size(), 0u);
}

TEST_F(RoomBadInput, OddQueryParametersAreHandled) {
  const User a = newUser("biq");
  const std::string room = createRoom(a);
  const std::string id = send(a, room, "x");
  EXPECT_EQ(messages(a, room, "limit=-5&dir=f").status, 200);
  EXPECT_EQ(messages(a, room, "from=" + enc(str(sync(a), "next_batch"))).status, 200);
  EXPECT_MATRIX_ERROR(messages(a, room, "from=t99999999999999999999"), 400, "M_INVALID_PARAM");
  EXPECT_EQ(roomGet(a, room, "/context/" + enc(id) + "?limit=-3").status, 200);
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/sync?since=s99999999999999999999_1", a.token), 400, "M_INVALID_PARAM");
  EXPECT_EQ(s().get(kV3 + "/sync?since=s999999_999", a.token).status, 200);  // from the future: empty
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/rooms/" + enc(room) + "/typing/" + enc(a.id),
                              R"({"typing":true,"timeout":1.5})", a.token),
                      400, "M_BAD_JSON");
  EXPECT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/typing/" + enc(a.id),
                    R"({"typing":true,"timeout":99999999999999})", a.token).status,
            200);
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/" + enc(room) + "/join", "[]", a.token), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/" + enc(room) + "/join", R"({"reason":1})", a.token), 400,
                      "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/" + enc(room) + "/invite", R"({"user_id":"@x:localhost","reason":5})",
                               a.token),
                      400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/rooms/" + enc(room) + "/receipt/m.read/" + enc(id), "[]", a.token), 400,
                      "M_BAD_JSON");
}

}  // namespace
}  // namespace hs::test::rooms_e2e
