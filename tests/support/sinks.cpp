#include "tests/support/sinks.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "homeserver/core/random.h"

extern char** environ;

namespace hs::test {

namespace fs = std::filesystem;

namespace {
constexpr const char* kPython = "/usr/bin/python3";  // Debian's packages import only here

std::string tempDir(const std::string& what) {
  core::SodiumRandom random;
  const fs::path dir = fs::temp_directory_path() / ("parley-" + what + "-" + random.alnum(10));
  fs::create_directories(dir / "out");
  return dir.string();
}

std::string script(const char* name) { return std::string(PARLEY_SOURCE_DIR) + "/tests/support/" + name; }

bool portOpen(int port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
  ::close(fd);
  return ok;
}


std::string readFile(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

std::vector<fs::path> received(const std::string& dir) {
  std::vector<fs::path> out;
  for (const auto& e : fs::directory_iterator(fs::path(dir) / "out")) {
    if (e.path().extension() != ".tmp") {
      out.push_back(e.path());
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}
}  // namespace

void waitForPort(int port) {
  for (int i = 0; i < 200; ++i) {
    if (portOpen(port)) {
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  throw std::runtime_error("nothing started on port " + std::to_string(port));
}

// Below the kernel's ephemeral range (32768+), like scripts/common.sh free_port, so the
// sink cannot collide with a client connection's port.
int freeLoopbackPort() {
  core::SodiumRandom random;
  for (int attempt = 0; attempt < 200; ++attempt) {
    const std::string b = random.bytes(2);
    const int port = 20000 + (static_cast<unsigned char>(b[0]) << 8 | static_cast<unsigned char>(b[1])) % 12000;
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(static_cast<uint16_t>(port));
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const bool free = ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
    ::close(fd);
    if (free) {
      return port;
    }
  }
  throw std::runtime_error("no free port");
}

ChildProcess::ChildProcess(const std::vector<std::string>& argv, const std::string& log_path) {
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, 1, log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, 1, 2);
  std::vector<char*> args;
  for (const auto& a : argv) {
    args.push_back(const_cast<char*>(a.c_str()));
  }
  args.push_back(nullptr);
  const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  if (rc != 0) {
    throw std::runtime_error("cannot start " + argv[0]);
  }
}

ChildProcess::~ChildProcess() {
  if (pid_ > 0) {
    ::kill(pid_, SIGTERM);
    int status = 0;
    ::waitpid(pid_, &status, 0);
  }
}

void ChildProcess::kill9() {
  if (pid_ > 0) {
    ::kill(pid_, SIGKILL);
    int status = 0;
    ::waitpid(pid_, &status, 0);
    pid_ = -1;
  }
}

std::vector<std::string> waitForFiles(const std::string& dir, size_t n, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  auto files = received(dir);
  while (files.size() < n && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    files = received(dir);
  }
  std::vector<std::string> out;
  for (const auto& f : files) {
    out.push_back(readFile(f));
  }
  return out;
}

SmtpSink::SmtpSink(const Options& o) : dir_(tempDir("smtp")), port_(freeLoopbackPort()) {
  std::vector<std::string> argv = {kPython, script("smtp_sink.py"), "--port", std::to_string(port_),
                                   "--outdir", dir_ + "/out"};
  if (o.starttls || o.implicit_tls) {
    cert_ = dir_ + "/cert.pem";
    const std::string key = dir_ + "/key.pem";
    const std::string cmd = "openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=127.0.0.1 "
                            "-addext subjectAltName=IP:127.0.0.1 -keyout " + key + " -out " + cert_ +
                            " >/dev/null 2>&1";
    if (std::system(cmd.c_str()) != 0) {
      throw std::runtime_error("openssl could not make a test certificate");
    }
    argv.insert(argv.end(), {o.starttls ? "--starttls" : "--tls", cert_, key});
  }
  if (!o.auth.empty()) {
    argv.insert(argv.end(), {"--auth", o.auth});
  }
  process_ = std::make_unique<ChildProcess>(argv, dir_ + "/sink.log");
  waitForPort(port_);
}

SmtpSink::~SmtpSink() {
  process_.reset();
  fs::remove_all(dir_);
}

std::vector<std::string> SmtpSink::messages(size_t at_least, std::chrono::milliseconds timeout) const {
  return waitForFiles(dir_, at_least, timeout);
}

size_t SmtpSink::count() const { return received(dir_).size(); }

PushSink::PushSink(int fail_first, const std::string& reject) : dir_(tempDir("push")), port_(freeLoopbackPort()) {
  std::vector<std::string> argv = {kPython, script("push_sink.py"), "--port", std::to_string(port_),
                                   "--outdir", dir_ + "/out", "--fail", std::to_string(fail_first)};
  if (!reject.empty()) {
    argv.insert(argv.end(), {"--reject", reject});
  }
  process_ = std::make_unique<ChildProcess>(argv, dir_ + "/sink.log");
  waitForPort(port_);
}

PushSink::~PushSink() {
  process_.reset();
  fs::remove_all(dir_);
}

std::string PushSink::url() const {
  return "http://127.0.0.1:" + std::to_string(port_) + "/_matrix/push/v1/notify";
}

std::vector<std::string> PushSink::requests(size_t at_least, std::chrono::milliseconds timeout) const {
  return waitForFiles(dir_, at_least, timeout);
}

size_t PushSink::count() const { return received(dir_).size(); }

}  // namespace hs::test
