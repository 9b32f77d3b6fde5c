#pragma once
// A Parley server as a separate process (the built ./parley executable), configured the way an
// operator would: --generate-config, then the federation flags of run.sh (--federation-port,
// --tls-cert/--tls-key, --federation-ca, --federation-allow). Tests can stop it, kill -9 it and
// start it again on the same database.
#include <memory>
#include <string>
#include <vector>

#include "tests/support/sinks.h"
#include "tests/support/test_pki.h"
#include "tests/support/test_server.h"

namespace hs::test {

class ParleyProcess {
 public:
  // A fresh database and data dir; the server name is localhost:<federation port>.
  ParleyProcess(const std::string& label, TestPki& pki);
  ~ParleyProcess();
  void start();  // waits until /health answers
  void stop();   // SIGTERM, waits
  void kill9();  // SIGKILL: no shutdown at all
  const std::string& name() const { return name_; }
  int federationPort() const { return fed_port_; }
  std::string url(const std::string& path) const;
  const std::string& dbUrl() const { return db_.url(); }
  const std::string& logPath() const { return log_; }
  std::string registerUser(const std::string& localpart, const std::string& device_id);
  // `parley --rotate-signing-key` on this server's config (while it is stopped).
  void rotateSigningKey();
  std::string federationUrl(const std::string& path) const;

 private:
  std::string label_;
  TestDatabase db_;
  std::string dir_;
  std::string log_;
  std::vector<std::string> argv_;
  int client_port_ = 0;
  int fed_port_ = 0;
  std::string name_;
  std::unique_ptr<ChildProcess> process_;
  int starts_ = 0;
};

// Accepts TCP connections and never says a word: the worst kind of dead destination (every
// request waits for its timeout).
class BlackHole {
 public:
  BlackHole();
  ~BlackHole();
  int port() const { return port_; }

 private:
  int fd_ = -1;
  int port_ = 0;
};

}  // namespace hs::test
