#pragma once
// Command-line options of a scenario and the one-line JSON result it prints on stdout.
#include <sys/types.h>

#include <map>
#include <string>
#include <utility>
#include <vector>

#include "bench/loadgen/matrix_client.h"
#include "bench/loadgen/stats.h"

namespace bench {

// `--name value` pairs after the scenario name.
class Args {
 public:
  Args(int argc, char** argv, int first);
  double num(const std::string& name, double fallback) const;
  size_t count(const std::string& name, size_t fallback) const {
    return static_cast<size_t>(num(name, static_cast<double>(fallback)));
  }
  std::string str(const std::string& name, const std::string& fallback) const;

 private:
  std::map<std::string, std::string> values_;
};

// What every scenario gets: where the server is, which processes to account CPU and memory
// to, and the event loop.
struct Target {
  std::string host;
  int port = 0;
  // The server's metrics listener (listeners.metrics): /metrics is not on the client one.
  std::string metrics_host;
  int metrics_port = 0;
  pid_t server_pid = 0;
  pid_t pg_pid = 0;
  PhaseHooks hooks;
  PhaseClock clock() const { return PhaseClock(server_pid, pg_pid, hooks); }
};

// A flat JSON object of numbers and strings, printed as one line.
class Report {
 public:
  explicit Report(std::string scenario);
  void num(const std::string& key, double value);
  void str(const std::string& key, const std::string& value);
  // <prefix>_mean_ms, _p50_ms, _p95_ms, _p99_ms, _max_ms, _n
  void latencies(const std::string& prefix, const Latencies& l);
  // <prefix>_seconds and CPU use of the generator, server and PostgreSQL.
  void phase(const std::string& prefix, const PhaseClock& c);
  std::string json() const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;  // key, rendered JSON value
};

// GET /metrics, as text (for server-side timings).
std::string fetchMetrics(const Target& t);

// Logs a progress line on stderr (stdout carries the JSON result only).
void progress(const std::string& scenario, const std::string& what);

}  // namespace bench
