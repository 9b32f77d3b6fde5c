#include "bench/loadgen/stats.h"

#include <dirent.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <numeric>
#include <sstream>

namespace bench {

double Latencies::mean() const {
  if (ms_.empty()) {
    return 0;
  }
  return std::accumulate(ms_.begin(), ms_.end(), 0.0) / static_cast<double>(ms_.size());
}

double Latencies::percentile(double p) const {
  if (ms_.empty()) {
    return 0;
  }
  std::vector<double> sorted = ms_;
  std::sort(sorted.begin(), sorted.end());
  const double rank = std::ceil(p / 100.0 * static_cast<double>(sorted.size()));
  const size_t i = static_cast<size_t>(std::clamp(rank, 1.0, static_cast<double>(sorted.size())));
  return sorted[i - 1];
}

double Latencies::max() const {
  return ms_.empty() ? 0 : *std::max_element(ms_.begin(), ms_.end());
}

double selfCpuSeconds() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  auto secs = [](const timeval& tv) { return static_cast<double>(tv.tv_sec) + tv.tv_usec / 1e6; };
  return secs(ru.ru_utime) + secs(ru.ru_stime);
}

namespace {
struct StatFields {
  pid_t ppid = 0;
  double cpu_seconds = 0;
};

// Fields 4 (ppid), 14 (utime) and 15 (stime) of /proc/<pid>/stat. The command name (field
// 2) may hold spaces, so parsing starts after its closing parenthesis.
bool readStat(pid_t pid, StatFields& out) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  if (!std::getline(in, text)) {
    return false;
  }
  const size_t close = text.rfind(')');
  if (close == std::string::npos) {
    return false;
  }
  std::istringstream rest(text.substr(close + 2));
  std::string state;
  long ppid = 0;
  rest >> state >> ppid;
  std::string skip;
  for (int field = 5; field <= 13; ++field) {
    rest >> skip;
  }
  unsigned long long utime = 0, stime = 0;
  rest >> utime >> stime;
  static const double kTicks = static_cast<double>(sysconf(_SC_CLK_TCK));
  out.ppid = static_cast<pid_t>(ppid);
  out.cpu_seconds = static_cast<double>(utime + stime) / kTicks;
  return true;
}
}  // namespace

double processCpuSeconds(pid_t pid, bool with_children) {
  if (pid <= 0) {
    return 0;
  }
  StatFields own;
  double total = readStat(pid, own) ? own.cpu_seconds : 0;
  if (!with_children) {
    return total;
  }
  DIR* proc = opendir("/proc");
  if (proc == nullptr) {
    return total;
  }
  while (dirent* d = readdir(proc)) {
    const pid_t child = static_cast<pid_t>(std::atoi(d->d_name));
    StatFields f;
    if (child > 0 && readStat(child, f) && f.ppid == pid) {
      total += f.cpu_seconds;
    }
  }
  closedir(proc);
  return total;
}

double machineBusySeconds() {
  std::ifstream in("/proc/stat");
  std::string cpu;
  unsigned long long user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0,
                     steal = 0;
  in >> cpu >> user >> nice >> system >> idle >> iowait >> irq >> softirq >> steal;
  static const double kTicks = static_cast<double>(sysconf(_SC_CLK_TCK));
  return static_cast<double>(user + nice + system + irq + softirq + steal) / kTicks;
}

int64_t statusBytes(pid_t pid, const std::string& field) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  const std::string prefix = field + ":";
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(prefix, 0) == 0) {
      return std::atoll(line.c_str() + prefix.size()) * 1024;  // the kernel prints kB
    }
  }
  return 0;
}

int64_t residentBytes(pid_t pid) { return statusBytes(pid, "VmRSS"); }

PhaseClock::PhaseClock(pid_t server_pid, pid_t pg_pid, PhaseHooks hooks)
    : server_pid_(server_pid), pg_pid_(pg_pid), hooks_(std::move(hooks)) {}

namespace {
void runHook(const std::string& cmd) {
  if (!cmd.empty() && std::system(cmd.c_str()) != 0) {
    std::fprintf(stderr, "  hook failed: %s\n", cmd.c_str());
  }
}
}  // namespace

void PhaseClock::start() {
  runHook(hooks_.before);
  t0_ = SteadyClock::now();
  self0_ = selfCpuSeconds();
  server0_ = processCpuSeconds(server_pid_, false);
  pg0_ = processCpuSeconds(pg_pid_, true);
  machine0_ = machineBusySeconds();
}

void PhaseClock::stop() {
  wall_ = std::chrono::duration<double>(SteadyClock::now() - t0_).count();
  self_ = selfCpuSeconds() - self0_;
  server_ = processCpuSeconds(server_pid_, false) - server0_;
  pg_ = processCpuSeconds(pg_pid_, true) - pg0_;
  machine_ = machineBusySeconds() - machine0_;
  runHook(hooks_.after);
}

ServerTiming parseServerTiming(const std::string& metrics, const std::string& method,
                               const std::string& endpoint) {
  ServerTiming t;
  const std::string labels = "{method=\"" + method + "\",endpoint=\"" + endpoint + "\"} ";
  for (const auto& [suffix, target] :
       {std::pair{"_sum", &t.sum_seconds}, std::pair{"_count", &t.count}}) {
    const std::string key = std::string("parley_http_request_duration_seconds") + suffix + labels;
    const size_t at = metrics.find(key);
    if (at != std::string::npos) {
      *target = std::atof(metrics.c_str() + at + key.size());
    }
  }
  return t;
}

}  // namespace bench
