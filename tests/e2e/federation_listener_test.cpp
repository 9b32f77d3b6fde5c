// The federation listener: HTTPS with a self-signed certificate generated on first run,
// /version, and this server's keys at /_matrix/key/v2/server (self-signed, rotated keys kept).
#include <gtest/gtest.h>

#include <filesystem>

#include "federation/keys/own_keys.h"
#include "homeserver/core/base64.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/signing.h"
#include "tests/support/test_server.h"

namespace hs::test {
namespace {

void withFederation(config::Config& c) {
  c.federation_listener = config::Listener{};
  c.federation_listener->port = 0;
}

HttpResult fedGet(TestServer& s, const std::string& path) {
  return httpRequest("GET", s.federationUrl(path), "", {}, s.dir() + "/federation_tls.crt");
}

TEST(FederationListener, ServesVersionOverTlsWithAGeneratedCertificate) {
  TestServer s(withFederation);
  ASSERT_TRUE(std::filesystem::exists(s.dir() + "/federation_tls.crt"));
  ASSERT_TRUE(std::filesystem::exists(s.dir() + "/federation_tls.key"));
  EXPECT_EQ(std::filesystem::status(s.dir() + "/federation_tls.key").permissions() &
                std::filesystem::perms::others_read,
            std::filesystem::perms::none);
  const auto r = fedGet(s, "/_matrix/federation/v1/version");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, R"({"server":{"name":"Parley","version":"0.1.0"}})");
}

TEST(FederationListener, RoutesStayOnTheirListener) {
  TestServer s(withFederation);
  EXPECT_EQ(s.get("/_matrix/federation/v1/version").status, 404);
  EXPECT_EQ(s.get("/_matrix/key/v2/server").status, 404);
  const auto r = fedGet(s, "/_matrix/client/versions");
  EXPECT_EQ(r.status, 404);
  EXPECT_EQ(r.json()["errcode"].GetString(), std::string("M_UNRECOGNIZED"));
}

TEST(FederationListener, OffWithoutAFederationListener) {
  TestServer s;
  EXPECT_EQ(s.get("/_matrix/client/versions").status, 200);
  EXPECT_FALSE(std::filesystem::exists(s.dir() + "/federation_tls.crt"));
}

TEST(ServerKeys, SelfSignedAndValidForADay) {
  TestServer s(withFederation);
  const int64_t now = core::SystemClock().nowMs();
  const auto r = fedGet(s, "/_matrix/key/v2/server");
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  EXPECT_EQ(doc["server_name"].GetString(), std::string("localhost"));
  const int64_t valid_until = doc["valid_until_ts"].GetInt64();
  EXPECT_GE(valid_until, now + 23 * 3600 * 1000);
  EXPECT_LE(valid_until, now + 25 * 3600 * 1000);
  const auto key = core::SigningKey::loadFile(s.dir() + "/signing.key");
  ASSERT_TRUE(doc["verify_keys"].HasMember(key.keyId().c_str()));
  EXPECT_EQ(doc["verify_keys"][key.keyId().c_str()]["key"].GetString(), key.publicKeyBase64());
  EXPECT_TRUE(doc["old_verify_keys"].ObjectEmpty());
  EXPECT_TRUE(core::verifyJsonSignature(doc, "localhost", key.keyId(), key.publicKey()));
}

TEST(ServerKeys, RotatedKeyStaysPublishedAsOld) {
  const auto dir = std::filesystem::temp_directory_path() / "parley-rotate-test";
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  const std::string key_path = (dir / "signing.key").string();
  const std::string old_path = (dir / "old_signing.keys").string();
  core::SigningKey::generate().writeFile(key_path);
  const auto before = core::SigningKey::loadFile(key_path);
  const std::string new_id = fed::rotateSigningKey(key_path, old_path, 1234567);
  const auto after = core::SigningKey::loadFile(key_path);
  EXPECT_EQ(after.keyId(), new_id);
  EXPECT_NE(after.keyId(), before.keyId());
  const auto old = fed::loadOldVerifyKeys(old_path);
  ASSERT_EQ(old.size(), 1u);
  EXPECT_EQ(old[0].key_id, before.keyId());
  EXPECT_EQ(old[0].public_key, before.publicKeyBase64());
  EXPECT_EQ(old[0].expired_ts, 1234567);

  fed::OwnKeys own("example.org", after, old);
  const auto doc = *json::tryParse(own.serverKeysJson(1000));
  EXPECT_EQ(doc["old_verify_keys"][before.keyId().c_str()]["key"].GetString(), before.publicKeyBase64());
  EXPECT_EQ(doc["old_verify_keys"][before.keyId().c_str()]["expired_ts"].GetInt64(), 1234567);
  EXPECT_TRUE(doc["verify_keys"].HasMember(after.keyId().c_str()));
  EXPECT_FALSE(doc["verify_keys"].HasMember(before.keyId().c_str()));
  EXPECT_TRUE(core::verifyJsonSignature(doc, "example.org", after.keyId(), after.publicKey()));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace hs::test
