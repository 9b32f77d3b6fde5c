#include "tests/support/parley_process.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

#include "homeserver/core/random.h"

namespace hs::test {

namespace {
// Test pace: retries within a second or two, requests that give up after 5 s.
std::string fastRetries(std::string yaml) {
  yaml = std::regex_replace(yaml, std::regex("initial_backoff_ms: 5000  #"), "initial_backoff_ms: 200  #");
  // The federation section's request timeout follows its max_backoff_ms line.
  yaml = std::regex_replace(yaml, std::regex("max_backoff_ms: [0-9]+\n  request_timeout_ms: [0-9]+"),
                            "max_backoff_ms: 2000\n  request_timeout_ms: 5000");
  yaml = std::regex_replace(yaml, std::regex("level: info"), "level: warn");
  return yaml;
}
}  // namespace

ParleyProcess::ParleyProcess(const std::string& label, TestPki& pki) : label_(label) {
  core::SodiumRandom random;
  dir_ = (std::filesystem::temp_directory_path() / ("parley-proc-" + label + "-" + random.alnum(8))).string();
  std::filesystem::create_directories(dir_);
  log_ = dir_ + "/server.log";
  client_port_ = freeLoopbackPort();
  fed_port_ = freeLoopbackPort();
  name_ = "localhost:" + std::to_string(fed_port_);
  const std::string config = dir_ + "/homeserver.yaml";
  const std::string cmd = std::string(PARLEY_BINARY) + " --generate-config --server-name " + name_ + " --port " +
                          std::to_string(client_port_) + " --database-url '" + db_.url() + "' --federation-port " +
                          std::to_string(fed_port_) + " --config " + config + " > " + dir_ + "/generate.log 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error("parley --generate-config failed");
  }
  std::stringstream yaml;
  yaml << std::ifstream(config).rdbuf();
  std::ofstream(config) << fastRetries(yaml.str());
  const auto cert = pki.issue(label + "-tls", {"localhost", "127.0.0.1"});
  argv_ = {PARLEY_BINARY, "--config", config, "--federation-port", std::to_string(fed_port_),
           "--federation-bind", "127.0.0.1", "--tls-cert", cert.cert_path, "--tls-key", cert.key_path,
           "--federation-ca", pki.caFile(), "--federation-allow", "127.0.0.0/8"};
}

ParleyProcess::~ParleyProcess() {
  process_.reset();
  std::filesystem::remove_all(dir_);
}

void ParleyProcess::start() {
  setenv("PARLEY_RATE_LIMITS", "off", 1);
  process_ = std::make_unique<ChildProcess>(argv_, log_ + "." + std::to_string(++starts_));
  for (int i = 0; i < 600; ++i) {
    const auto health = tryHttpRequest("GET", url("/health"));
    if (health && health->status == 200) {
      waitForPort(fed_port_);
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error(label_ + " did not start; see " + log_);
}

void ParleyProcess::stop() { process_.reset(); }

void ParleyProcess::kill9() {
  if (process_) {
    process_->kill9();
    process_.reset();
  }
}

std::string ParleyProcess::url(const std::string& path) const {
  return "http://127.0.0.1:" + std::to_string(client_port_) + path;
}

void ParleyProcess::rotateSigningKey() {
  const std::string cmd = std::string(PARLEY_BINARY) + " --rotate-signing-key --config " + dir_ +
                          "/homeserver.yaml > " + dir_ + "/rotate.log 2>&1";
  if (std::system(cmd.c_str()) != 0) {
    throw std::runtime_error("parley --rotate-signing-key failed");
  }
}

std::string ParleyProcess::federationUrl(const std::string& path) const {
  return "https://localhost:" + std::to_string(fed_port_) + path;
}

std::string ParleyProcess::registerUser(const std::string& localpart, const std::string& device_id) {
  const auto r = httpRequest("POST", url("/_matrix/client/v3/register"),
                             R"({"username":")" + localpart + R"(","password":"password123","device_id":")" +
                                 device_id + R"(","auth":{"type":"m.login.dummy"}})");
  const auto doc = json::tryParse(r.body);
  if (r.status != 200 || !doc || !doc->HasMember("access_token")) {
    throw std::runtime_error("register failed: " + r.body);
  }
  return (*doc)["access_token"].GetString();
}

BlackHole::BlackHole() {
  port_ = freeLoopbackPort();
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port_));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(fd_, reinterpret_cast<sockaddr*>(&a), sizeof a) != 0 || ::listen(fd_, 1024) != 0) {
    throw std::runtime_error("black hole: cannot listen");
  }
}

BlackHole::~BlackHole() { ::close(fd_); }

}  // namespace hs::test
