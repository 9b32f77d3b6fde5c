#include "federation/client/remote_calls.h"

namespace hs::fed {

namespace {
constexpr int64_t kTimeoutMs = 30000;
// send_join of a big room answers with its whole state and auth chain.
constexpr size_t kMaxResponseBytes = 256 * 1024 * 1024;
}  // namespace

outbound::RemoteReply FederationCalls::call(const std::string& server, const std::string& method,
                                            const std::string& target, const std::optional<std::string>& json_body) {
  FederationRequest req;
  req.destination = server;
  req.method = method;
  req.target = target;
  req.json_body = json_body;
  req.timeout_ms = kTimeoutMs;
  req.max_response_bytes = kMaxResponseBytes;
  const auto r = client_.requestSync(std::move(req));
  if (!r.response) {
    return {0, "", r.refused_by_policy ? "refused by the federation policy: " + r.error : r.error};
  }
  return {r.response->status, r.response->body, ""};
}

}  // namespace hs::fed
