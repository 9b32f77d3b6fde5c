// Sender::metricsText: the per-destination series of /metrics, so a dead destination shows
// at a glance (up 0, failures and backoff growing, last success old, queue growing).
#include <spdlog/spdlog.h>

#include <cstdio>

#include "federation/queue/sender.h"

namespace hs::fed {

namespace {
struct Series {
  const char* name;
  const char* help;
  const char* type;
};
constexpr Series kSeries[] = {
    {"parley_federation_destination_queued", "Events (PDUs and EDUs) queued for the destination.", "gauge"},
    {"parley_federation_destination_up", "1 unless the last transaction to the destination failed.", "gauge"},
    {"parley_federation_destination_failures", "Consecutive failed transactions.", "gauge"},
    {"parley_federation_destination_backoff_seconds", "Current retry delay (0: not backing off).", "gauge"},
    {"parley_federation_destination_retry_at_seconds", "When the next retry is due (unix time).", "gauge"},
    {"parley_federation_destination_last_success_seconds", "Last acknowledged transaction (unix time).",
     "gauge"},
};

std::string seconds(int64_t ms) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", static_cast<double>(ms) / 1000);
  return buf;
}
}  // namespace

std::string Sender::metricsText() {
  std::vector<DestinationState> states;
  try {
    states = store_.allDestinations();
  } catch (const std::exception& e) {
    spdlog::warn("federation metrics: {}", e.what());
    return "";
  }
  std::string out;
  for (size_t i = 0; i < std::size(kSeries); ++i) {
    const Series& s = kSeries[i];
    out += std::string("# HELP ") + s.name + " " + s.help + "\n# TYPE " + s.name + " " + s.type + "\n";
    for (const auto& d : states) {
      std::string v;
      switch (i) {
        case 0: v = std::to_string(d.queued); break;
        case 1: v = d.failures == 0 ? "1" : "0"; break;
        case 2: v = std::to_string(d.failures); break;
        case 3: v = seconds(d.failures == 0 ? 0 : d.backoff_ms); break;
        case 4: v = seconds(d.retry_at_ms); break;
        default: v = seconds(d.last_success_ms.value_or(0)); break;
      }
      out += std::string(s.name) + "{destination=\"" + d.destination + "\"} " + v + "\n";
    }
  }
  return out;
}

}  // namespace hs::fed
