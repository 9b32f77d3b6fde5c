#pragma once
// tests/support/federation_sink.py as a federation peer of a test server: built on Debian's
// python3-signedjson, it checks every X-Matrix signature and key response Parley sends, records
// the transactions it receives, and signs what it sends Parley with its own code.
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "homeserver/core/base64.h"
#include "homeserver/core/json.h"
#include "homeserver/core/random.h"
#include "homeserver/core/signing.h"
#include "tests/support/federation_helpers.h"
#include "tests/support/sinks.h"

namespace hs::test {

class FederationSink {
 public:
  explicit FederationSink(TestPki& pki) : pki_(pki), port_(freeLoopbackPort()) {
    core::SodiumRandom random;
    seed_ = core::base64Encode(random.bytes(32));
    dir_ = (std::filesystem::temp_directory_path() / ("parley-fedsink-" + random.alnum(8))).string();
    std::filesystem::create_directories(dir_);
    const auto cert = pki.issue("sink" + std::to_string(port_), {"localhost", "127.0.0.1"});
    process_ = std::make_unique<ChildProcess>(
        std::vector<std::string>{"/usr/bin/python3", script(), "serve", "--server-name", name(), "--seed", seed_,
                                 "--ca", pki.caFile(), "--port", std::to_string(port_), "--cert", cert.cert_path,
                                 "--tls-key", cert.key_path, "--record", dir_ + "/record.jsonl"},
        dir_ + "/sink.log");
    waitForPort(port_);
  }
  ~FederationSink() { std::filesystem::remove_all(dir_); }
  std::string name() const { return fedName(port_); }
  std::string user() const { return "@sinkuser:" + name(); }
  // The key the sink signs with (key id ed25519:sink), for PDUs a test builds in its name.
  core::SigningKey key() const { return core::SigningKey::fromSeed("sink", *core::base64Decode(seed_)); }

  // Every recorded line, waiting until `pred` holds for one of them.
  std::vector<json::Document> waitFor(const std::function<bool(const json::Value&)>& pred,
                                      std::chrono::seconds timeout = std::chrono::seconds(15)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (true) {
      auto lines = records();
      for (const auto& l : lines) {
        if (pred(l)) {
          return lines;
        }
      }
      if (std::chrono::steady_clock::now() > deadline) {
        std::string got;
        for (const auto& l : lines) {
          got += json::toString(l) + "\n";
        }
        ADD_FAILURE() << "the sink did not receive what was expected; it has:\n" << got;
        return lines;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
  }
  std::vector<json::Document> records() {
    std::vector<json::Document> out;
    std::ifstream in(dir_ + "/record.jsonl");
    std::string line;
    while (std::getline(in, line)) {
      if (auto d = json::tryParse(line)) {
        out.push_back(std::move(*d));
      }
    }
    return out;
  }
  // The sink signs and sends one request with signedjson; returns "STATUS\nBODY".
  std::string send(const std::string& destination, const std::string& method, const std::string& target,
                   const std::string& body) {
    const std::string out = dir_ + "/send.out";
    const std::string cmd = "/usr/bin/python3 " + script() + " send --server-name " + name() + " --seed " + seed_ +
                            " --ca " + pki_.caFile() + " --destination " + destination + " --method " + method +
                            " --target '" + target + "' --body '" + body + "' > " + out + " 2>&1";
    EXPECT_EQ(std::system(cmd.c_str()), 0);
    std::ifstream in(out);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

 private:
  static std::string script() { return std::string(PARLEY_SOURCE_DIR) + "/tests/support/federation_sink.py"; }
  TestPki& pki_;
  int port_;
  std::string seed_;
  std::string dir_;
  std::unique_ptr<ChildProcess> process_;
};

}  // namespace hs::test
