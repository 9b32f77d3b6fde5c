#pragma once
// Requests the room services make to other homeservers (make_join, send_join, invite, the
// directory query): federation/client implements this over signed HTTPS, so the services never
// depend on the transport.
#include <optional>
#include <string>

namespace hs::outbound {

struct RemoteReply {
  long status = 0;    // 0: no answer (unreachable, refused by policy, timed out)
  std::string body;
  std::string error;  // why there is no answer
};

class RemoteCalls {
 public:
  virtual ~RemoteCalls() = default;
  // One signed request to `server`; `target` is the path and ?query, percent-encoded. Blocks:
  // call it from request or pool threads only.
  virtual RemoteReply call(const std::string& server, const std::string& method, const std::string& target,
                           const std::optional<std::string>& json_body = std::nullopt) = 0;
};

}  // namespace hs::outbound
