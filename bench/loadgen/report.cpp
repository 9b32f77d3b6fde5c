#include "bench/loadgen/report.h"

#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>

namespace bench {

Args::Args(int argc, char** argv, int first) {
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    if (a.rfind("--", 0) != 0 || i + 1 >= argc) {
      throw std::invalid_argument("expected --name value, got " + a);
    }
    values_[a.substr(2)] = argv[++i];
  }
}

double Args::num(const std::string& name, double fallback) const {
  const auto it = values_.find(name);
  return it == values_.end() ? fallback : std::stod(it->second);
}

std::string Args::str(const std::string& name, const std::string& fallback) const {
  const auto it = values_.find(name);
  return it == values_.end() ? fallback : it->second;
}

namespace {
std::string quote(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else {
      out += c;
    }
  }
  return out + "\"";
}
}  // namespace

Report::Report(std::string scenario) { str("scenario", scenario); }

void Report::num(const std::string& key, double value) {
  if (!std::isfinite(value)) {
    fields_.emplace_back(key, "null");
    return;
  }
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.6g", value);
  fields_.emplace_back(key, buf);
}

void Report::str(const std::string& key, const std::string& value) {
  fields_.emplace_back(key, quote(value));
}

void Report::latencies(const std::string& prefix, const Latencies& l) {
  num(prefix + "_n", static_cast<double>(l.count()));
  num(prefix + "_mean_ms", l.mean());
  num(prefix + "_p50_ms", l.percentile(50));
  num(prefix + "_p95_ms", l.percentile(95));
  num(prefix + "_p99_ms", l.percentile(99));
  num(prefix + "_max_ms", l.max());
}

void Report::phase(const std::string& prefix, const PhaseClock& c) {
  num(prefix + "_seconds", c.seconds());
  num(prefix + "_loadgen_cpu_pct", c.loadgenCpuPct());
  num(prefix + "_server_cpu_pct", c.serverCpuPct());
  num(prefix + "_postgres_cpu_pct", c.postgresCpuPct());
  num(prefix + "_other_cpu_pct", c.otherCpuPct());
}

std::string Report::json() const {
  std::string out = "{";
  for (size_t i = 0; i < fields_.size(); ++i) {
    if (i > 0) {
      out += ',';
    }
    out.append(quote(fields_[i].first)).append(":").append(fields_[i].second);
  }
  return out + "}";
}

std::string fetchMetrics(const Target& t) {
  if (t.metrics_port == 0) {
    throw std::runtime_error("this scenario reads the server's /metrics: give --metrics-url");
  }
  HttpLoop loop(t.metrics_host, t.metrics_port);
  const int conn = loop.addConnection();
  std::string body;
  loop.send(conn, HttpRequest{"GET", "/metrics", "", ""}, [&](HttpResponse& res) {
    if (res.status != 200) {
      throw std::runtime_error("GET /metrics failed: " + std::to_string(res.status) + res.error);
    }
    body = std::move(res.body);
  });
  loop.run();
  return body;
}

void progress(const std::string& scenario, const std::string& what) {
  const std::time_t now = std::time(nullptr);
  char ts[16];
  std::strftime(ts, sizeof ts, "%H:%M:%S", std::localtime(&now));
  std::fprintf(stderr, "  [%s] %s: %s\n", ts, scenario.c_str(), what.c_str());
}

}  // namespace bench
