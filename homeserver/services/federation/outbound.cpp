#include "homeserver/services/federation/outbound.h"

#include <set>

#include "homeserver/core/ids.h"

namespace hs::outbound {

std::vector<std::string> remoteServersOf(const std::vector<std::string>& user_ids, const std::string& our_server) {
  std::set<std::string> servers;
  for (const auto& u : user_ids) {
    const size_t colon = u.find(':');
    if (colon == std::string::npos) {
      continue;
    }
    std::string server = u.substr(colon + 1);
    if (server != our_server && core::isValidServerName(server)) {
      servers.insert(std::move(server));
    }
  }
  return {servers.begin(), servers.end()};
}

}  // namespace hs::outbound
