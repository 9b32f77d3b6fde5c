#pragma once
// Local sinks for the integration tests: an SMTP server (tests/support/smtp_sink.py, Debian's
// python3-aiosmtpd) and a push gateway (push_sink.py), each a child process on a free
// loopback port that writes what it receives to files the test reads.
#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <sys/types.h>

namespace hs::test {

// A free TCP port on 127.0.0.1 (bound and released; the child binds it right after).
int freeLoopbackPort();
// Waits until something listens on 127.0.0.1:port; throws after 10 s.
void waitForPort(int port);

class ChildProcess {
 public:
  // Runs argv[0] with stdout and stderr to `log_path`.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();  // SIGTERM, then waits for it
  void kill9();     // SIGKILL, then waits for it
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

 private:
  pid_t pid_ = -1;
};

// Files received in `dir` (*.eml or *.json), oldest first, waiting until there are `n`.
std::vector<std::string> waitForFiles(const std::string& dir, size_t n,
                                      std::chrono::milliseconds timeout);

class SmtpSink {
 public:
  struct Options {
    bool starttls = false;
    bool implicit_tls = false;
    std::string auth;  // "user:password" to require AUTH
  };
  explicit SmtpSink(const Options& options);
  SmtpSink() : SmtpSink(Options{}) {}
  ~SmtpSink();
  int port() const { return port_; }
  const std::string& certPath() const { return cert_; }  // for smtp.ca_file with TLS
  std::vector<std::string> messages(size_t at_least = 1,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  size_t count() const;

 private:
  std::string dir_;
  std::string cert_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

class PushSink {
 public:
  explicit PushSink(int fail_first = 0, const std::string& reject_pushkey = "");
  ~PushSink();
  std::string url() const;  // .../_matrix/push/v1/notify
  std::vector<std::string> requests(size_t at_least = 1,
                                    std::chrono::milliseconds timeout = std::chrono::seconds(10)) const;
  size_t count() const;

 private:
  std::string dir_;
  int port_ = 0;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace hs::test
