#include "homeserver/http/access_log.h"

#include <spdlog/spdlog.h>

#include <atomic>

namespace hs::http {

std::string newRequestId() {
  static std::atomic<uint64_t> counter{0};
  return "req-" + std::to_string(++counter);
}

namespace {
// Methods are whatever token a client sends: metrics keep a fixed set of labels.
const std::string& methodLabel(const std::string& method) {
  static const std::string kKnown[] = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH", "-"};
  static const std::string kOther = "other";
  for (const auto& m : kKnown) {
    if (m == method) {
      return m;
    }
  }
  return kOther;
}
}  // namespace

void logAccess(Metrics& metrics, const AccessEntry& e) {
  metrics.recordRequest(methodLabel(e.method), e.route, e.status, e.seconds);
  if (e.note.empty()) {
    spdlog::info("{} {} {} {} {:.1f}ms {}", e.request_id, e.method, e.route, e.status,
                 e.seconds * 1000, e.user);
  } else {
    spdlog::info("{} {} {} {} {:.1f}ms {} ({})", e.request_id, e.method, e.route, e.status,
                 e.seconds * 1000, e.user, e.note);
  }
}

}  // namespace hs::http
