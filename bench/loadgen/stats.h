#pragma once
// Latency percentiles, CPU accounting of the processes under test (and of the generator
// itself, so a run shows whether the generator was the bottleneck) and resident memory.
#include <sys/types.h>

#include <algorithm>
#include <string>
#include <vector>

#include "bench/loadgen/http_loop.h"

namespace bench {

class Latencies {
 public:
  void add(double ms) { ms_.push_back(ms); }
  size_t count() const { return ms_.size(); }
  double mean() const;
  double percentile(double p) const;  // p in [0, 100], nearest-rank
  double max() const;

 private:
  std::vector<double> ms_;
};

// CPU seconds (user + system) used so far by this process.
double selfCpuSeconds();
// CPU seconds used so far by `pid` and, when `with_children`, by its live child processes
// (PostgreSQL backends are children of the postmaster).
double processCpuSeconds(pid_t pid, bool with_children);
// Busy (non-idle, non-iowait) CPU seconds of the whole machine, from /proc/stat.
double machineBusySeconds();
// VmRSS of `pid` in bytes; 0 if unknown.
int64_t residentBytes(pid_t pid);
// A field of /proc/<pid>/status in bytes ("RssAnon", "RssFile"): anonymous memory is the
// server's own heap and stacks, file-backed memory mostly its shared libraries' pages.
int64_t statusBytes(pid_t pid, const std::string& field);

// Wall time and CPU use of the generator, the server and PostgreSQL across one phase.
// Profiling hooks: shell commands run right before start() takes its readings and right
// after stop() took them (e.g. callgrind_control, or resetting pg_stat_statements), so a
// profile covers the measured phase only, not the seeding.
struct PhaseHooks {
  std::string before;
  std::string after;
};

class PhaseClock {
 public:
  PhaseClock(pid_t server_pid, pid_t pg_pid, PhaseHooks hooks = {});
  void start();
  void stop();
  double seconds() const { return wall_; }
  // Each as a percentage of one core over the phase (200% = both cores of this machine).
  double loadgenCpuPct() const { return pct(self_); }
  double serverCpuPct() const { return pct(server_); }
  double postgresCpuPct() const { return pct(pg_); }
  // Busy CPU of the whole machine minus the three above: other engineers' builds and the
  // like. A large value means the phase was disturbed and should be re-run.
  double otherCpuPct() const { return std::max(0.0, pct(machine_) - pct(self_ + server_ + pg_)); }

 private:
  double pct(double cpu) const { return wall_ > 0 ? 100.0 * cpu / wall_ : 0; }
  pid_t server_pid_;
  pid_t pg_pid_;
  PhaseHooks hooks_;
  SteadyClock::time_point t0_;
  double self0_ = 0, server0_ = 0, pg0_ = 0, machine0_ = 0;
  double wall_ = 0, self_ = 0, server_ = 0, pg_ = 0, machine_ = 0;
};

// Mean server-side time of one endpoint from the server's /metrics histogram (sum / count
// of parley_http_request_duration_seconds): read before and after a phase, the difference
// is the server time of the requests in between, without the loopback and client time.
struct ServerTiming {
  double sum_seconds = 0;
  double count = 0;
};
ServerTiming parseServerTiming(const std::string& metrics, const std::string& method,
                               const std::string& endpoint);

}  // namespace bench
