#include "tests/support/test_server.h"

#include <curl/curl.h>
#include <gtest/gtest.h>
#include <pqxx/pqxx>

#include <cstdlib>
#include <filesystem>
#include <mutex>
#include <optional>
#include <thread>

#include "db/migrations.h"
#include "db/pool.h"
#include "homeserver/core/random.h"
#include "homeserver/core/signing.h"

namespace hs::test {

namespace {
std::string adminUrl(const std::string& db) {
  const char* port = std::getenv("PARLEY_TEST_PG_PORT");
  if (port == nullptr) {
    throw std::runtime_error("PARLEY_TEST_PG_PORT is not set: run the tests through ./test.sh");
  }
  return std::string("postgresql://postgres@127.0.0.1:") + port + "/" + db;
}

size_t onBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

size_t onHeader(char* data, size_t size, size_t n, void* out) {
  std::string line(data, size * n);
  const size_t colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) {
      c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    value.erase(value.find_last_not_of("\r\n") + 1);
    (*static_cast<std::map<std::string, std::string>*>(out))[name] = value;
  }
  return size * n;
}
}  // namespace

json::Document HttpResult::json() const {
  auto doc = json::tryParse(body);
  EXPECT_TRUE(doc.has_value()) << "not JSON: " << body;
  return doc ? std::move(*doc) : json::Document();
}

HttpResult httpRequest(const std::string& method, const std::string& url, const std::string& body,
                       const std::vector<std::string>& headers, const std::string& ca_file) {
  std::string error;
  auto result = tryHttpRequest(method, url, body, headers, ca_file, &error);
  EXPECT_TRUE(result.has_value()) << error << " for " << method << " " << url;
  return result.value_or(HttpResult{});
}

std::optional<HttpResult> tryHttpRequest(const std::string& method, const std::string& url, const std::string& body,
                                         const std::vector<std::string>& headers, const std::string& ca_file,
                                         std::string* error) {
  HttpResult result;
  std::unique_ptr<CURL, decltype(&curl_easy_cleanup)> curl(curl_easy_init(), curl_easy_cleanup);
  curl_slist* list = nullptr;
  for (const auto& h : headers) {
    list = curl_slist_append(list, h.c_str());
  }
  curl_easy_setopt(curl.get(), CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl.get(), CURLOPT_CUSTOMREQUEST, method.c_str());
  if (!body.empty() || method == "POST" || method == "PUT") {
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDS, body.data());
    curl_easy_setopt(curl.get(), CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  }
  curl_easy_setopt(curl.get(), CURLOPT_HTTPHEADER, list);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEFUNCTION, onBody);
  curl_easy_setopt(curl.get(), CURLOPT_WRITEDATA, &result.body);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERFUNCTION, onHeader);
  curl_easy_setopt(curl.get(), CURLOPT_HEADERDATA, &result.headers);
  curl_easy_setopt(curl.get(), CURLOPT_TIMEOUT, 30L);
  if (!ca_file.empty()) {
    curl_easy_setopt(curl.get(), CURLOPT_CAINFO, ca_file.c_str());
  }
  const CURLcode rc = curl_easy_perform(curl.get());
  curl_slist_free_all(list);
  if (rc != CURLE_OK) {
    if (error != nullptr) {
      *error = curl_easy_strerror(rc);
    }
    return std::nullopt;
  }
  curl_easy_getinfo(curl.get(), CURLINFO_RESPONSE_CODE, &result.status);
  return result;
}

namespace {
std::string randomDatabaseName() {
  core::SodiumRandom random;
  std::string suffix = random.alnum(10);
  for (auto& c : suffix) {
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return "parley_test_" + suffix;
}

// The migrated template of this test process, made on first use. The cluster is removed by
// ./test.sh afterwards, so it is never dropped.
const std::string& migratedTemplate() {
  static const std::string name = [] {
    std::string n = randomDatabaseName() + "_template";
    {
      pqxx::connection admin(adminUrl("postgres"));
      pqxx::nontransaction tx(admin);
      tx.exec("CREATE DATABASE " + n);
    }
    db::Pool pool(adminUrl(n), 1);
    db::applyMigrations(pool, db::embeddedMigrations());
    return n;
  }();
  return name;
}
}  // namespace

namespace {
// Emptied databases of kReused fixtures, ready for the next one.
std::mutex reusable_mu;
std::vector<std::string> reusable;  // guarded by reusable_mu

std::optional<std::string> takeReusable() {
  std::lock_guard lock(reusable_mu);
  if (reusable.empty()) {
    return std::nullopt;
  }
  std::string name = std::move(reusable.back());
  reusable.pop_back();
  return name;
}

// Deletes every row but the migration records (foreign keys are not checked meanwhile):
// a few milliseconds where dropping and copying a database take most of a second.
void empty(const std::string& name) {
  pqxx::connection admin(adminUrl("postgres"));
  pqxx::nontransaction(admin).exec_params(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1", name);
  pqxx::connection c(adminUrl(name));
  pqxx::work tx(c);
  tx.exec("SET LOCAL session_replication_role = replica");
  for (const auto& row : tx.exec("SELECT quote_ident(tablename) FROM pg_tables "
                                 "WHERE schemaname = 'public' AND tablename <> 'schema_migrations'")) {
    tx.exec("DELETE FROM " + row[0].as<std::string>());
  }
  tx.commit();
}
}  // namespace

TestDatabase::TestDatabase(Schema schema) : schema_(schema) {
  if (schema == Schema::kReused) {
    if (auto name = takeReusable()) {
      name_ = std::move(*name);
      url_ = adminUrl(name_);
      return;
    }
  }
  name_ = randomDatabaseName();
  const std::string from =
      schema == Schema::kEmpty ? std::string() : " TEMPLATE " + migratedTemplate();
  pqxx::connection admin(adminUrl("postgres"));
  // A template's last session may still be ending ("being accessed by other users").
  for (int attempt = 0;; ++attempt) {
    try {
      pqxx::nontransaction tx(admin);
      tx.exec("CREATE DATABASE " + name_ + from);
      break;
    } catch (const pqxx::sql_error&) {
      if (attempt == 50) {
        throw;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  url_ = adminUrl(name_);
}

TestDatabase::~TestDatabase() {
  try {
    if (schema_ == Schema::kReused) {
      empty(name_);
      std::lock_guard lock(reusable_mu);
      reusable.push_back(name_);
      return;
    }
  } catch (const std::exception&) {
    // Dropped below instead.
  }
  try {
    pqxx::connection admin(adminUrl("postgres"));
    pqxx::nontransaction tx(admin);
    tx.exec("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
  } catch (const std::exception&) {
    // The whole cluster is removed by ./test.sh afterwards.
  }
}

TestServer::TestServer(const std::function<void(config::Config&)>& tweak) {
  db_ = std::make_unique<TestDatabase>(TestDatabase::Schema::kMigrated);
  core::SodiumRandom random;
  dir_ = (std::filesystem::temp_directory_path() / ("parley-test-" + random.alnum(10))).string();
  std::filesystem::create_directories(dir_);
  config::Config c;
  c.config_dir = dir_;
  // Test sinks (push gateways) listen on loopback; the policy test clears this.
  c.federation.ip_range_whitelist = {"127.0.0.0/8"};
  c.server_name = "localhost";
  c.public_baseurl = "http://127.0.0.1/";
  c.client_listener.port = 0;
  c.database.url = db_->url();
  c.database.pool_size = 8;
  c.signing_key_path = dir_ + "/signing.key";
  c.media.store_path = dir_ + "/media";
  c.media.thumbnailer_path = PARLEY_THUMBNAILER;  // the test binary is not next to it
  c.auth.password_ops_limit = 1;  // the cheapest argon2id: tests hash many passwords
  c.auth.password_mem_limit_kib = 8;
  c.rate_limits.enabled = false;
  c.http.worker_threads = 8;
  c.logging.level = "warn";
  c.metrics_listener = config::Listener{"127.0.0.1", 0, "", ""};
  if (tweak) {
    tweak(c);
  }
  core::SigningKey::generate().writeFile(c.signing_key_path);
  app_ = std::make_unique<App>(c);
  app_->start();
}

TestServer::~TestServer() {
  app_.reset();
  std::filesystem::remove_all(dir_);
}

std::string TestServer::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(app_->clientPort()) + path;
}

std::string TestServer::federationUrl(const std::string& path) const {
  return "https://localhost:" + std::to_string(app_->federationPort()) + path;
}

std::string TestServer::metricsUrl(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(app_->metricsPort()) + path;
}

HttpResult TestServer::call(const std::string& method, const std::string& path,
                            const std::string& body, const std::string& token) {
  std::vector<std::string> headers = {"Content-Type: application/json"};
  if (!token.empty()) {
    headers.push_back("Authorization: Bearer " + token);
  }
  return httpRequest(method, url(path), body, headers);
}

HttpResult TestServer::get(const std::string& path, const std::string& token) {
  return call("GET", path, "", token);
}
HttpResult TestServer::post(const std::string& path, const std::string& body, const std::string& token) {
  return call("POST", path, body, token);
}
HttpResult TestServer::put(const std::string& path, const std::string& body, const std::string& token) {
  return call("PUT", path, body, token);
}
HttpResult TestServer::del(const std::string& path, const std::string& body, const std::string& token) {
  return call("DELETE", path, body, token);
}

std::string TestServer::registerUser(const std::string& localpart, const std::string& password,
                                     const std::string& device_id) {
  std::string body = R"({"username":")" + localpart + R"(","password":")" + password +
                     R"(","auth":{"type":"m.login.dummy"})";
  if (!device_id.empty()) {
    body += R"(,"device_id":")" + device_id + "\"";
  }
  body += "}";
  const auto r = post("/_matrix/client/v3/register", body);
  EXPECT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  return doc.IsObject() && doc.HasMember("access_token") ? doc["access_token"].GetString() : "";
}

}  // namespace hs::test
