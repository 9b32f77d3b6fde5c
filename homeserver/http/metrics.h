#pragma once
// Request counters and latency histograms, rendered in the Prometheus text format.
#include <array>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <tuple>
#include <vector>

namespace hs::http {

class Metrics {
 public:
  // Gauges read at render time (db pool in use, RSS): name, help, value source, and labels
  // ("listener=\"client\"") when one name has several series. Safe while serving.
  void addGauge(std::string name, std::string help, std::function<double()> read,
                std::string labels = "");
  // Series rendered by their owner (labelled ones, e.g. per federation destination), appended
  // as Prometheus text at render time. Safe while serving.
  void addCollector(std::function<std::string()> render);
  void recordRequest(const std::string& method, const std::string& route, int status,
                     double seconds);
  std::string render() const;

 private:
  static constexpr std::array<double, 12> kBuckets = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                      0.1,   0.25,   0.5,   1,    2.5,   10};
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  struct Gauge {
    std::string name;
    std::string help;
    std::function<double()> read;
    std::string labels;
  };
  mutable std::mutex mu_;
  std::map<std::tuple<std::string, std::string, int>, uint64_t> requests_;  // guarded by mu_
  std::map<std::pair<std::string, std::string>, Histogram> latency_;         // guarded by mu_
  mutable std::mutex gauges_mu_;
  std::vector<Gauge> gauges_;                              // guarded by gauges_mu_
  std::vector<std::function<std::string()>> collectors_;  // guarded by gauges_mu_
};

// Resident set size of this process in bytes, from /proc/self/status (VmRSS).
int64_t processRssBytes();

}  // namespace hs::http
