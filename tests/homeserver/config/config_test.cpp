#include "homeserver/config/config.h"

#include <gtest/gtest.h>

#include <cstdlib>

namespace hs::config {
namespace {

TEST(Config, DefaultYamlParsesAndValidates) {
  const std::string yaml = defaultConfigYaml("example.org", 8123, "postgresql:///x");
  const Config c = parseConfig(yaml, "/srv/parley");
  EXPECT_EQ(c.server_name, "example.org");
  EXPECT_EQ(c.client_listener.port, 8123);
  EXPECT_EQ(c.database.url, "postgresql:///x");
  EXPECT_EQ(c.signing_key_path, "/srv/parley/signing.key");
  EXPECT_EQ(c.media.store_path, "/srv/parley/media_store");
  EXPECT_EQ(c.media.max_upload_size, 50 * 1024 * 1024);
  EXPECT_TRUE(c.rate_limits.enabled);
  EXPECT_DOUBLE_EQ(c.rate_limits.login_per_ip.burst, 10);
  EXPECT_TRUE(validate(c).empty());
}

TEST(Config, EveryProblemIsReportedAtOnce) {
  const Config c = parseConfig("server_name: 'bad name'\ndatabase: {pool_size: 0}\n", "/");
  const auto errors = validate(c);
  EXPECT_GE(errors.size(), 3u);  // server_name, database.url, pool_size
}

TEST(Config, WrongTypesAreCollected) {
  try {
    parseConfig("server_name: x\nlisteners: {client: {port: abc}}\ndatabase: {pool_size: [1]}\n", "/");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& e) {
    const std::string msg = e.what();
    EXPECT_NE(msg.find("listeners.client.port"), std::string::npos);
    EXPECT_NE(msg.find("database.pool_size"), std::string::npos);
  }
}

TEST(Config, InvalidYamlIsAConfigError) {
  EXPECT_THROW(parseConfig("server_name: [unclosed", "/"), ConfigError);
  EXPECT_THROW(parseConfig("- a list", "/"), ConfigError);
}

TEST(Config, EnvironmentOverrides) {
  Config c = parseConfig(defaultConfigYaml("x.org", 8008, "postgresql:///a"), "/");
  setenv("DATABASE_URL", "postgresql:///from_env", 1);
  setenv("PARLEY_RATE_LIMITS", "off", 1);
  applyEnvironment(c);
  unsetenv("DATABASE_URL");
  unsetenv("PARLEY_RATE_LIMITS");
  EXPECT_EQ(c.database.url, "postgresql:///from_env");
  EXPECT_FALSE(c.rate_limits.enabled);
}

TEST(Config, GuestsPreviewsAndAdminsAreOffUntilSet) {
  const Config defaults = parseConfig(defaultConfigYaml("x.org", 8008, "postgresql:///a"), "/");
  EXPECT_FALSE(defaults.registration.allow_guest_access);
  EXPECT_FALSE(defaults.url_preview.enabled);
  EXPECT_TRUE(defaults.auth.admins.empty());
  const Config c = parseConfig(
      "server_name: x.org\ndatabase: {url: 'postgresql:///a'}\nregistration: {allow_guest_access: true}\n"
      "url_preview: {enabled: true, max_size: 4096, timeout_ms: 500, cache_ms: 1000}\n"
      "auth: {admins: ['@ops:x.org']}\n",
      "/");
  EXPECT_TRUE(c.registration.allow_guest_access);
  EXPECT_TRUE(c.url_preview.enabled);
  EXPECT_EQ(c.url_preview.max_size, 4096);
  EXPECT_EQ(c.url_preview.timeout_ms, 500);
  EXPECT_EQ(c.url_preview.cache_ms, 1000);
  EXPECT_EQ(c.auth.admins, std::vector<std::string>{"@ops:x.org"});
}

TEST(Config, TokensRequiredNeedsTokens) {
  Config c = parseConfig(defaultConfigYaml("x.org", 8008, "postgresql:///a"), "/");
  c.registration.require_registration_token = true;
  EXPECT_FALSE(validate(c).empty());
}

}  // namespace
}  // namespace hs::config
