#include "homeserver/http/metrics.h"

#include <fstream>
#include <sstream>

namespace hs::http {

namespace {
std::string labelEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\\' || c == '"') {
      out += '\\';
    }
    out += c == '\n' ? ' ' : c;
  }
  return out;
}
}  // namespace

void Metrics::addGauge(std::string name, std::string help, std::function<double()> read,
                       std::string labels) {
  std::lock_guard lock(gauges_mu_);
  // Series of one name stay together, under one HELP and TYPE.
  auto after = gauges_.end();
  for (auto it = gauges_.begin(); it != gauges_.end(); ++it) {
    if (it->name == name) {
      after = it + 1;
    }
  }
  gauges_.insert(after, {std::move(name), std::move(help), std::move(read), std::move(labels)});
}

void Metrics::addCollector(std::function<std::string()> render) {
  std::lock_guard lock(gauges_mu_);
  collectors_.push_back(std::move(render));
}

void Metrics::recordRequest(const std::string& method, const std::string& route, int status,
                            double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{method, route, status}];
  Histogram& h = latency_[{method, route}];
  for (size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) {
      ++h.counts[i];
    }
  }
  ++h.count;
  h.sum += seconds;
}

std::string Metrics::render() const {
  std::ostringstream out;
  {
    std::lock_guard lock(mu_);
    out << "# HELP parley_http_requests_total HTTP requests by endpoint and status.\n"
        << "# TYPE parley_http_requests_total counter\n";
    for (const auto& [key, n] : requests_) {
      const auto& [method, route, status] = key;
      out << "parley_http_requests_total{method=\"" << method << "\",endpoint=\""
          << labelEscape(route) << "\",status=\"" << status << "\"} " << n << "\n";
    }
    out << "# HELP parley_http_request_duration_seconds Request latency by endpoint.\n"
        << "# TYPE parley_http_request_duration_seconds histogram\n";
    for (const auto& [key, h] : latency_) {
      const std::string labels =
          "method=\"" + key.first + "\",endpoint=\"" + labelEscape(key.second) + "\"";
      for (size_t i = 0; i < kBuckets.size(); ++i) {
        out << "parley_http_request_duration_seconds_bucket{" << labels << ",le=\"" << kBuckets[i]
            << "\"} " << h.counts[i] << "\n";
      }
      out << "parley_http_request_duration_seconds_bucket{" << labels << ",le=\"+Inf\"} "
          << h.count << "\n";
      out << "parley_http_request_duration_seconds_sum{" << labels << "} " << h.sum << "\n";
      out << "parley_http_request_duration_seconds_count{" << labels << "} " << h.count << "\n";
    }
  }
  std::lock_guard lock(gauges_mu_);
  const std::string* previous = nullptr;
  for (const Gauge& g : gauges_) {
    if (previous == nullptr || *previous != g.name) {
      out << "# HELP " << g.name << " " << g.help << "\n# TYPE " << g.name << " gauge\n";
    }
    out << g.name;
    if (!g.labels.empty()) {
      out << "{" << g.labels << "}";
    }
    out << " " << g.read() << "\n";
    previous = &g.name;
  }
  for (const auto& collect : collectors_) {
    out << collect();
  }
  return out.str();
}

int64_t processRssBytes() {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) {
      std::istringstream fields(line.substr(6));
      int64_t kib = 0;
      fields >> kib;
      return kib * 1024;
    }
  }
  return 0;
}

}  // namespace hs::http
