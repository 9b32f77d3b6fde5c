#include "federation/client/remote_profiles.h"

#include <spdlog/spdlog.h>

#include "homeserver/core/matrix_error.h"
#include "homeserver/core/percent_encode.h"

namespace hs::fed {

using core::ErrCode;
using core::MatrixError;

std::optional<accounts::Profile> RemoteProfiles::fetch(const core::UserId& user) {
  FederationRequest req;
  req.destination = std::string(user.server());
  req.target = "/_matrix/federation/v1/query/profile?user_id=" + core::percentEncode(user.str());
  req.timeout_ms = kTimeoutMs;
  req.max_response_bytes = 64 * 1024;
  const auto r = client_.requestSync(std::move(req));
  if (r.response && r.response->status == 404) {
    return std::nullopt;
  }
  const auto doc = r.response && r.response->status == 200 ? json::tryParse(r.response->body) : std::nullopt;
  if (!doc || !doc->IsObject()) {
    // A remote server's failure is described to the client, never forwarded as is.
    spdlog::info("profile of {}: {}", user.str(),
                 r.response ? "HTTP " + std::to_string(r.response->status) : r.error);
    throw MatrixError(ErrCode::Unknown, "Could not fetch the profile from " + std::string(user.server()), 502);
  }
  return accounts::Profile{json::optString(*doc, "displayname"), json::optString(*doc, "avatar_url")};
}

}  // namespace hs::fed
