// A NUL or another control character in a decoded path or query parameter is refused with 400
// M_INVALID_PARAM before any handler runs (homeserver/http/dispatch.cpp): a NUL used to cut an
// identifier after authorization had judged the whole of it, so a moderator's
// "m.room.power_levels%00" was authorized as an unknown type and stored as the power levels.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class HostileParams : public RoomSuite<HostileParams> {
 protected:
  static void SetUpTestSuite() {
    RoomSuite<HostileParams>::SetUpTestSuite();
    owner_ = newUser("hpo");
    mod_ = newUser("hpm");
    room_ = createRoom(owner_, R"({"preset":"public_chat"})");
    EXPECT_EQ(join(mod_, room_).status, 200);
    // The moderator may send power 50 state events, not the power levels (100).
    EXPECT_EQ(putState(owner_, room_, "m.room.power_levels", "",
                       R"({"users":{")" + owner_.id + R"(":100,")" + mod_.id +
                           R"(":50},"state_default":50,"events":{"m.room.power_levels":100,)"
                           R"("m.room.history_visibility":100}})")
                  .status,
              200);
  }
  static std::string levelsOfOwner() {
    const auto doc = getState(owner_, room_, "m.room.power_levels").json();
    return doc.IsObject() && doc.HasMember("users") && doc["users"].HasMember(owner_.id.c_str())
               ? std::to_string(doc["users"][owner_.id.c_str()].GetInt())
               : "(none)";
  }
  static User owner_;
  static User mod_;
  static std::string room_;
};
User HostileParams::owner_;
User HostileParams::mod_;
std::string HostileParams::room_;

const std::string kRooms = kV3 + "/rooms/";

TEST_F(HostileParams, NulInEventTypeCannotReachThePowerLevels) {
  const std::string state = kRooms + enc(room_) + "/state/";
  for (const char* type : {"m.room.power_levels%00", "m.room.history_visibility%00", "m.room.create%00",
                           "m.room.tombstone%00", "m.room.name%00x", "m.room.encryption%00"}) {
    EXPECT_MATRIX_ERROR(s().put(state + type + "/", R"({"users":{}})", mod_.token), 400, "M_INVALID_PARAM");
    EXPECT_MATRIX_ERROR(s().put(state + type, R"({"users":{}})", mod_.token), 400, "M_INVALID_PARAM");
  }
  EXPECT_EQ(levelsOfOwner(), "100");
  EXPECT_MATRIX_ERROR(s().put(kRooms + enc(room_) + "/send/m.room.message%00/t1", "{}", mod_.token), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(state + "m.room.power_levels%00/", mod_.token), 400, "M_INVALID_PARAM");
}

TEST_F(HostileParams, NulInStateKey) {
  EXPECT_MATRIX_ERROR(s().put(kRooms + enc(room_) + "/state/m.room.member/" + enc(mod_.id) + "%00",
                              R"({"membership":"join"})", mod_.token),
                      400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().put(kRooms + enc(room_) + "/state/x.y/a%00b", "{}", owner_.token), 400,
                      "M_INVALID_PARAM");
}

TEST_F(HostileParams, NulInTransactionIdCannotMergeTwoMessages) {
  const std::string send = kRooms + enc(room_) + "/send/m.room.message/";
  EXPECT_MATRIX_ERROR(s().put(send + "same%00one", R"({"body":"first"})", owner_.token), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().put(send + "same%00two", R"({"body":"second"})", owner_.token), 400,
                      "M_INVALID_PARAM");
  // sendToDevice takes a transaction id too.
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/sendToDevice/m.x/t%00", R"({"messages":{}})", owner_.token), 400,
                      "M_INVALID_PARAM");
}

TEST_F(HostileParams, NulInAlias) {
  const std::string body = R"({"room_id":")" + room_ + "\"}";
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/directory/room/%23x%00%3Alocalhost", body, owner_.token), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/directory/room/%23x%00", owner_.token), 400, "M_INVALID_PARAM");
  EXPECT_EQ(s().get(kV3 + "/directory/room/%23x", owner_.token).status, 404);
}

TEST_F(HostileParams, NulInRoomId) {
  EXPECT_MATRIX_ERROR(s().get(kRooms + enc(room_) + "%00/state", owner_.token), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().post(kV3 + "/join/" + enc(room_) + "%00", "{}", owner_.token), 400,
                      "M_INVALID_PARAM");
}

TEST_F(HostileParams, NulInUserId) {
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/profile/" + enc(owner_.id) + "%00/displayname",
                              R"({"displayname":"x"})", owner_.token),
                      400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/presence/" + enc(owner_.id) + "%00/status", owner_.token), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/user/" + enc(owner_.id) + "%00/account_data/x.y", "{}", owner_.token),
                      400, "M_INVALID_PARAM");
}

TEST_F(HostileParams, NulInDeviceId) {
  EXPECT_MATRIX_ERROR(s().put(kV3 + "/devices/D%00", R"({"display_name":"x"})", owner_.token), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/devices/D%00", owner_.token), 400, "M_INVALID_PARAM");
}

TEST_F(HostileParams, NulInMediaId) {
  EXPECT_MATRIX_ERROR(s().get("/_matrix/media/v3/download/localhost/abc%00def"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get("/_matrix/client/v1/media/download/localhost/abc%00", owner_.token), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get("/_matrix/media/v3/download/local%00host/abc"), 400, "M_INVALID_PARAM");
}

TEST_F(HostileParams, NulInFilterId) {
  const auto made = s().post(kV3 + "/user/" + enc(owner_.id) + "/filter", "{}", owner_.token);
  ASSERT_EQ(made.status, 200) << made.body;
  const std::string id = str(made.json(), "filter_id");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/user/" + enc(owner_.id) + "/filter/" + id + "%00", owner_.token), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/sync?filter=" + id + "%00&timeout=0", owner_.token), 400,
                      "M_INVALID_PARAM");
}

TEST_F(HostileParams, OtherControlCharactersToo) {
  const std::string state = kRooms + enc(room_) + "/state/";
  for (const char* c : {"%01", "%09", "%0A", "%0D", "%1F", "%7F"}) {
    SCOPED_TRACE(c);
    EXPECT_MATRIX_ERROR(s().put(state + "x.y" + c + "/", "{}", owner_.token), 400, "M_INVALID_PARAM");
  }
  EXPECT_MATRIX_ERROR(s().get(kRooms + enc(room_) + "/messages?dir=b%01", owner_.token), 400,
                      "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(kRooms + enc(room_) + "/messages?from=%00", owner_.token), 400,
                      "M_INVALID_PARAM");
  // Query values may hold JSON, whose whitespace includes tab, CR and LF.
  EXPECT_EQ(s().get(kRooms + enc(room_) + "/messages?filter=%7B%0A%09%22limit%22%3A1%0D%0A%7D", owner_.token)
                .status,
            200);
  // Unicode is not a control character.
  EXPECT_EQ(putState(owner_, room_, "x.\xC3\xA9t\xC3\xA9", "", "{}").status, 200);
}

}  // namespace
}  // namespace hs::test::rooms_e2e
