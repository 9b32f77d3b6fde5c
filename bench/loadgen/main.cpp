// loadgen: drives a running Parley over its client API and prints one JSON line of figures.
//   loadgen --url http://127.0.0.1:8008 [--metrics-url http://127.0.0.1:9092]
//           [--server-pid N] [--pg-pid N]
//           [--before-measure CMD] [--after-measure CMD] SCENARIO [--option value]...
// Scenarios: versions idle send fanout sync history state (options in scenarios.h and the
// scenario files; bench/run.sh passes the sizes of its --smoke, --quick and full runs).
#include <sys/resource.h>

#include <cstdio>
#include <cstring>
#include <functional>
#include <iostream>
#include <map>

#include "bench/loadgen/scenarios.h"

namespace {

using Runner =
    std::function<bench::Report(bench::HttpLoop&, const bench::Target&, const bench::Args&)>;

const std::map<std::string, Runner>& scenarios() {
  static const std::map<std::string, Runner> kScenarios = {
      {"versions", bench::runVersions}, {"idle", bench::runIdle}, {"send", bench::runSend},
      {"fanout", bench::runFanout},     {"sync", bench::runSync}, {"history", bench::runHistory},
      {"state", bench::runState},
  };
  return kScenarios;
}

int usage() {
  std::fprintf(stderr,
               "usage: loadgen --url http://HOST:PORT [--metrics-url http://HOST:PORT] "
               "[--server-pid N] [--pg-pid N] "
               "[--before-measure CMD] [--after-measure CMD] SCENARIO [--option value]...\n"
               "scenarios:");
  for (const auto& [name, _] : scenarios()) {
    std::fprintf(stderr, " %s", name.c_str());
  }
  std::fprintf(stderr, "\n");
  return 2;
}

// Parses http://HOST:PORT (loopback benchmarks only: no TLS, no DNS).
bool parseUrl(const std::string& url, std::string& host, int& port) {
  const std::string prefix = "http://";
  if (url.rfind(prefix, 0) != 0) {
    return false;
  }
  const std::string rest = url.substr(prefix.size());
  const size_t colon = rest.find(':');
  if (colon == std::string::npos) {
    return false;
  }
  host = rest.substr(0, colon);
  port = std::atoi(rest.c_str() + colon + 1);
  return port > 0;
}

// A thousand parked long-polls need a thousand sockets: lift the soft descriptor limit.
void raiseFdLimit() {
  rlimit rl{};
  if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
    rl.rlim_cur = rl.rlim_max;
    setrlimit(RLIMIT_NOFILE, &rl);
  }
}

}  // namespace

int main(int argc, char** argv) {
  bench::Target target;
  int i = 1;
  for (; i + 1 < argc && std::strncmp(argv[i], "--", 2) == 0; i += 2) {
    const std::string name = argv[i];
    if (name == "--url") {
      if (!parseUrl(argv[i + 1], target.host, target.port)) {
        return usage();
      }
    } else if (name == "--metrics-url") {
      if (!parseUrl(argv[i + 1], target.metrics_host, target.metrics_port)) {
        return usage();
      }
    } else if (name == "--server-pid") {
      target.server_pid = std::atoi(argv[i + 1]);
    } else if (name == "--pg-pid") {
      target.pg_pid = std::atoi(argv[i + 1]);
    } else if (name == "--before-measure") {
      target.hooks.before = argv[i + 1];
    } else if (name == "--after-measure") {
      target.hooks.after = argv[i + 1];
    } else {
      return usage();
    }
  }
  if (i >= argc || target.port == 0 || !scenarios().count(argv[i])) {
    return usage();
  }
  raiseFdLimit();
  try {
    const bench::Args args(argc, argv, i + 1);
    bench::HttpLoop loop(target.host, target.port);
    const bench::Report report = scenarios().at(argv[i])(loop, target, args);
    std::cout << report.json() << std::endl;
    return 0;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "loadgen %s failed: %s\n", argv[i], e.what());
    return 1;
  }
}
