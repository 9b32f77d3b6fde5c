// The server run as an operator runs it: the federation flags on the command line, and
// `parley --rotate-signing-key`, after which the old key stays published as an old_verify_key
// and other servers still accept the new one.
#include <gtest/gtest.h>

#include "homeserver/core/json.h"
#include "tests/support/federation_helpers.h"
#include "tests/support/parley_process.h"

namespace hs::test {
namespace {

json::Document serverKeys(ParleyProcess& p, const TestPki& pki) {
  const auto r = httpRequest("GET", p.federationUrl("/_matrix/key/v2/server"), "", {}, pki.caFile());
  EXPECT_EQ(r.status, 200) << r.body;
  return r.json();
}

TEST(FederationCli, RotatedKeyIsPublishedAsOldAndTheNewOneWorks) {
  TestPki pki;
  ParleyProcess hs1("hs1", pki), hs2("hs2", pki);
  hs1.start();
  const auto before = serverKeys(hs1, pki);
  const std::string old_id = before["verify_keys"].MemberBegin()->name.GetString();
  hs1.stop();
  hs1.rotateSigningKey();
  hs1.start();
  hs2.start();
  const auto after = serverKeys(hs1, pki);
  ASSERT_EQ(after["verify_keys"].MemberCount(), 1u);
  EXPECT_NE(std::string(after["verify_keys"].MemberBegin()->name.GetString()), old_id);
  ASSERT_TRUE(after["old_verify_keys"].HasMember(old_id.c_str()));
  EXPECT_EQ(after["old_verify_keys"][old_id.c_str()]["key"], before["verify_keys"][old_id.c_str()]["key"]);
  EXPECT_GT(after["old_verify_keys"][old_id.c_str()]["expired_ts"].GetInt64(), 0);
  // hs1 asks hs2 for a profile: it signs with its new key, which hs2 fetches and accepts.
  const auto bob = hs2.registerUser("bob", "B");
  httpRequest("PUT", hs2.url("/_matrix/client/v3/profile/@bob:" + hs2.name() + "/displayname"),
              R"({"displayname":"Bob Two"})", {"Authorization: Bearer " + bob});
  const auto alice = hs1.registerUser("alice", "A");
  const auto r = httpRequest("GET", hs1.url("/_matrix/client/v3/profile/@bob:" + hs2.name()), "",
                             {"Authorization: Bearer " + alice});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["displayname"].GetString(), std::string("Bob Two"));
}

}  // namespace
}  // namespace hs::test
