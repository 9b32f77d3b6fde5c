#pragma once
// Integration-test support: a fresh PostgreSQL database per server, the real App on a free
// loopback port, and a small libcurl client that speaks to it over real HTTP.
#include <functional>
#include <map>
#include <vector>
#include <memory>
#include <optional>
#include <string>

#include "homeserver/app/app.h"
#include "homeserver/core/json.h"

namespace hs::test {

struct HttpResult {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
  json::Document json() const;                   // parses body; fails the test if not JSON
};

// One HTTP request over loopback. `headers` are "Name: value" lines. For https URLs, `ca_file`
// is the only trust anchor (certificates are always verified).
HttpResult httpRequest(const std::string& method, const std::string& url, const std::string& body = "",
                       const std::vector<std::string>& headers = {}, const std::string& ca_file = "");
// The same without failing the test when nothing answers (servers being restarted): nullopt.
std::optional<HttpResult> tryHttpRequest(const std::string& method, const std::string& url,
                                         const std::string& body = "", const std::vector<std::string>& headers = {},
                                         const std::string& ca_file = "", std::string* error = nullptr);

// A database created for one test server, dropped at destruction. Needs PARLEY_TEST_PG_PORT
// (set by ./test.sh) pointing at a PostgreSQL that trusts user postgres on 127.0.0.1.
class TestDatabase {
 public:
  // kMigrated copies a database the migrations were applied to once per test process
  // (CREATE DATABASE ... TEMPLATE): a fresh database in half a second instead of three.
  // kReused is kMigrated emptied by a previous test of the process (row deletes, sequences
  // not reset): for store tests that need many databases and own every connection to them.
  enum class Schema { kEmpty, kMigrated, kReused };
  explicit TestDatabase(Schema schema = Schema::kEmpty);
  ~TestDatabase();
  const std::string& url() const { return url_; }

 private:
  Schema schema_;
  std::string name_;
  std::string url_;
};

class TestServer {
 public:
  // `tweak` edits the default test config before the server starts.
  explicit TestServer(const std::function<void(config::Config&)>& tweak = {});
  ~TestServer();
  std::string url(const std::string& path) const;
  std::string federationUrl(const std::string& path) const;  // the federation listener (TLS)
  const std::string& dir() const { return dir_; }             // config dir (generated TLS files)
  const std::string& dbUrl() const { return db_->url(); }
  std::string signingKeyPath() const { return dir_ + "/signing.key"; }
  App& app() { return *app_; }
  // The metrics listener (listeners.metrics); the default test config enables it on port 0.
  std::string metricsUrl(const std::string& path) const;
  const config::Config& config() const { return app_->config(); }

  HttpResult get(const std::string& path, const std::string& token = "");
  HttpResult post(const std::string& path, const std::string& body, const std::string& token = "");
  HttpResult put(const std::string& path, const std::string& body, const std::string& token = "");
  HttpResult del(const std::string& path, const std::string& body = "", const std::string& token = "");

  // Registers (one-step dummy auth) and returns the access token.
  std::string registerUser(const std::string& localpart, const std::string& password = "password123",
                           const std::string& device_id = "");

 private:
  HttpResult call(const std::string& method, const std::string& path, const std::string& body,
                  const std::string& token);
  std::unique_ptr<TestDatabase> db_;
  std::string dir_;
  std::unique_ptr<App> app_;
};

}  // namespace hs::test
