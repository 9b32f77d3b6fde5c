// parley: the homeserver executable.
//   parley --generate-config --server-name NAME --config FILE [--port N] [--database-url URL]
//          [--federation-port N]
//   parley --rotate-signing-key --config FILE
//   parley --config FILE [--federation-port N] [--federation-bind ADDR] [--tls-cert PEM
//          --tls-key PEM] [--federation-ca PEM] [--federation-allow CIDR]...
#include <signal.h>
#include <sodium.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <string>
#include <vector>

#include "federation/keys/own_keys.h"
#include "homeserver/app/app.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/signing.h"

namespace {

struct Args {
  bool generate = false;
  bool rotate_key = false;
  std::map<std::string, std::string> values;
  std::vector<std::string> federation_allow;  // --federation-allow, repeatable
};

Args parseArgs(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--generate-config") {
      a.generate = true;
    } else if (arg == "--rotate-signing-key") {
      a.rotate_key = true;
    } else if (arg == "--federation-allow" && i + 1 < argc) {
      a.federation_allow.emplace_back(argv[++i]);
    } else if (arg.rfind("--", 0) == 0 && i + 1 < argc) {
      a.values[arg.substr(2)] = argv[++i];
    } else {
      throw std::runtime_error("unknown or incomplete argument: " + arg);
    }
  }
  return a;
}

std::string absolutePath(const std::string& p) { return std::filesystem::absolute(p).string(); }

// The federation flags override homeserver.yaml (run.sh passes them on every start).
void applyFederationFlags(const Args& a, hs::config::Config& c) {
  auto flag = [&a](const char* name) -> const std::string* {
    auto it = a.values.find(name);
    return it == a.values.end() ? nullptr : &it->second;
  };
  if (const auto* port = flag("federation-port")) {
    if (!c.federation_listener) {
      c.federation_listener = hs::config::Listener{};
      c.federation_listener->bind_address = "0.0.0.0";
    }
    c.federation_listener->port = std::stoi(*port);
  }
  if (const auto* bind = flag("federation-bind"); bind && c.federation_listener) {
    c.federation_listener->bind_address = *bind;
  }
  if (const auto* cert = flag("tls-cert"); cert && c.federation_listener) {
    c.federation_listener->tls_cert_path = absolutePath(*cert);
  }
  if (const auto* key = flag("tls-key"); key && c.federation_listener) {
    c.federation_listener->tls_key_path = absolutePath(*key);
  }
  if (const auto* ca = flag("federation-ca")) {
    c.federation.ca_file = absolutePath(*ca);
  }
  for (const auto& cidr : a.federation_allow) {
    c.federation.ip_range_whitelist.push_back(cidr);
  }
}

int rotateKey(const Args& a) {
  const auto path = a.values.find("config");
  if (path == a.values.end()) {
    std::cerr << "usage: parley --rotate-signing-key --config FILE\n";
    return 2;
  }
  const hs::config::Config config = hs::config::loadConfig(path->second);
  if (config.old_signing_keys_path.empty()) {
    std::cerr << "old_signing_keys_path is not set: the old key could not stay published\n";
    return 1;
  }
  const std::string id = hs::fed::rotateSigningKey(config.signing_key_path, config.old_signing_keys_path,
                                                   hs::core::SystemClock().nowMs());
  std::cout << "new signing key " << id << " in " << config.signing_key_path << "; the old one is in "
            << config.old_signing_keys_path << ". Restart the server to use it.\n";
  return 0;
}

int generateConfig(const Args& a) {
  const auto server = a.values.find("server-name");
  const auto path = a.values.find("config");
  if (server == a.values.end() || path == a.values.end()) {
    std::cerr << "usage: parley --generate-config --server-name NAME --config FILE\n";
    return 2;
  }
  const int port = a.values.count("port") ? std::stoi(a.values.at("port")) : 8008;
  const std::string db = a.values.count("database-url") ? a.values.at("database-url") : "";
  const int fed_port = a.values.count("federation-port") ? std::stoi(a.values.at("federation-port")) : 0;
  const auto dir = std::filesystem::absolute(path->second).parent_path();
  const auto key_path = dir / "signing.key";
  if (std::filesystem::exists(key_path)) {
    std::cerr << "refusing to overwrite the existing signing key " << key_path << "\n";
    return 1;
  }
  if (std::filesystem::exists(path->second)) {
    std::cerr << "refusing to overwrite the existing config " << path->second << "\n";
    return 1;
  }
  hs::core::SigningKey::generate().writeFile(key_path.string());
  std::ofstream out(path->second);
  out << hs::config::defaultConfigYaml(server->second, port, db, fed_port);
  if (!out.flush()) {
    std::cerr << "cannot write " << path->second << "\n";
    return 1;
  }
  std::cout << "wrote " << path->second << " and " << key_path.string() << "\n";
  return 0;
}

void setUpLogging(const hs::config::Logging& l) {
  auto logger = spdlog::stdout_logger_mt("parley");
  spdlog::set_default_logger(logger);
  spdlog::set_level(spdlog::level::from_str(l.level));
  if (l.format == "json") {
    spdlog::set_pattern(R"({"ts":"%Y-%m-%dT%H:%M:%S.%e","level":"%l","msg":"%v"})");
  } else {
    spdlog::set_pattern("%Y-%m-%d %H:%M:%S.%e %l %v");
  }
  spdlog::flush_every(std::chrono::seconds(1));
}

int runServer(const Args& a) {
  const auto path = a.values.find("config");
  if (path == a.values.end()) {
    std::cerr << "usage: parley --config FILE\n";
    return 2;
  }
  const hs::config::Config config =
      hs::config::loadConfig(path->second, [&a](hs::config::Config& c) { applyFederationFlags(a, c); });
  setUpLogging(config.logging);
  // Signals are taken by sigwait below, never delivered to another thread.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  signal(SIGPIPE, SIG_IGN);

  hs::App app(config);
  app.start();
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("signal {}: shutting down", sig);
  app.stop();
  spdlog::info("stopped");
  spdlog::shutdown();
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (sodium_init() < 0) {
    std::cerr << "libsodium failed to initialise\n";
    return 1;
  }
  try {
    const Args a = parseArgs(argc, argv);
    if (a.rotate_key) {
      return rotateKey(a);
    }
    return a.generate ? generateConfig(a) : runServer(a);
  } catch (const std::exception& e) {
    std::cerr << "parley: " << e.what() << "\n";
    spdlog::error("fatal: {}", e.what());
    return 1;
  }
}
