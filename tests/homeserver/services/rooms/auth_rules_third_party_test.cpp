// Auth rule 4.4.1: invites that redeem an m.room.third_party_invite.
#include <gtest/gtest.h>

#include "homeserver/services/rooms/auth_rules.h"
#include "room_builder.h"

namespace hs::rooms {
namespace {

using test::kAlice;
using test::kBob;
using test::kCharlie;
using test::member;
using test::memberWith;
using test::stateEvent;
using test::TestRoom;

bool has(const AuthResult& r, std::string_view words) {
  return r.reason.find(words) != std::string::npos;
}

std::string inviteContent(const std::string& signed_json) {
  return R"({"membership":"invite","third_party_invite":{"display_name":"b","signed":)" +
         signed_json + "}}";
}

const std::string kGoodSigned =
    R"({"mxid":"@bob:example.com","token":"tok","signatures":{"id.org":{"ed25519:0":"s"}}})";

class AuthThirdPartyInvite : public ::testing::Test {
 protected:
  void SetUp() override {
    room_.inviteAndJoin(kCharlie);
    room_.mustSend(stateEvent(kAlice, "m.room.third_party_invite", "tok",
                              R"({"public_key":"pk1","public_keys":[{"public_key":"pk2"}]})"));
    hooks_.verify_third_party_signed = [this](const json::Value& signed_block,
                                              const std::vector<std::string>& keys) {
      seen_keys_ = keys;
      seen_mxid_ = signed_block["mxid"].GetString();
      return verdict_;
    };
  }
  AuthResult invite(const std::string& sender, const std::string& signed_json,
                    const std::string& target = kBob) {
    return room_.check(memberWith(sender, target, inviteContent(signed_json)), hooks_);
  }

  TestRoom room_ = TestRoom::standard("invite");
  AuthHooks hooks_;
  bool verdict_ = true;
  std::vector<std::string> seen_keys_;
  std::string seen_mxid_;
};

TEST_F(AuthThirdPartyInvite, AllowsWhenTheSignatureVerifies) {  // 4.4.1.7
  const AuthResult r = invite(kAlice, kGoodSigned);
  EXPECT_TRUE(r.allowed) << r.reason;
  EXPECT_EQ(seen_keys_, (std::vector<std::string>{"pk1", "pk2"}));
  EXPECT_EQ(seen_mxid_, kBob);
}

TEST_F(AuthThirdPartyInvite, RejectsWhenNoSignatureVerifies) {  // 4.4.1.8
  verdict_ = false;
  EXPECT_FALSE(invite(kAlice, kGoodSigned).allowed);
}

TEST_F(AuthThirdPartyInvite, RefusedWithClearReasonWithoutVerifier) {
  const AuthResult r = room_.check(memberWith(kAlice, kBob, inviteContent(kGoodSigned)));
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "third-party invites are not supported")) << r.reason;
}

TEST_F(AuthThirdPartyInvite, RejectsBannedTarget) {  // 4.4.1.1
  room_.mustSend(member(kAlice, kBob, "ban"));
  const AuthResult r = invite(kAlice, kGoodSigned);
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "banned")) << r.reason;
}

TEST_F(AuthThirdPartyInvite, RejectsMissingSigned) {  // 4.4.1.2
  const AuthResult r = room_.check(
      memberWith(kAlice, kBob, R"({"membership":"invite","third_party_invite":{}})"), hooks_);
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "'signed'")) << r.reason;
}

TEST_F(AuthThirdPartyInvite, RejectsSignedWithoutMxidOrToken) {  // 4.4.1.3
  EXPECT_FALSE(invite(kAlice, R"({"token":"tok"})").allowed);
  EXPECT_FALSE(invite(kAlice, R"({"mxid":"@bob:example.com"})").allowed);
}

TEST_F(AuthThirdPartyInvite, RejectsMxidOtherThanTarget) {  // 4.4.1.4
  const AuthResult r = invite(kAlice, kGoodSigned, "@dave:example.com");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "mxid")) << r.reason;
}

TEST_F(AuthThirdPartyInvite, RejectsUnknownToken) {  // 4.4.1.5
  const AuthResult r = invite(kAlice, R"({"mxid":"@bob:example.com","token":"other"})");
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "token")) << r.reason;
}

TEST_F(AuthThirdPartyInvite, OnlyTheThirdPartyInviteSenderMayRedeem) {  // 4.4.1.6
  const AuthResult r = invite(kCharlie, kGoodSigned);
  EXPECT_FALSE(r.allowed);
  EXPECT_TRUE(has(r, "only the sender")) << r.reason;
}

}  // namespace
}  // namespace hs::rooms
