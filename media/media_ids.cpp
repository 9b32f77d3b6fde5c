#include "media/media_ids.h"

#include "homeserver/core/ids.h"

namespace hs::media {

namespace {
constexpr size_t kNewIdLength = 24;

bool isIdChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '-';
}
}  // namespace

bool isValidMediaId(std::string_view id) {
  if (id.empty() || id.size() > kMaxMediaIdLength) {
    return false;
  }
  for (char c : id) {
    if (!isIdChar(c)) {
      return false;
    }
  }
  return true;
}

std::string newMediaId(core::Random& random) { return random.alnum(kNewIdLength); }

std::optional<MediaKey> parseMxc(std::string_view uri) {
  static constexpr std::string_view kScheme = "mxc://";
  if (uri.substr(0, kScheme.size()) != kScheme) {
    return std::nullopt;
  }
  const std::string_view rest = uri.substr(kScheme.size());
  const size_t slash = rest.find('/');
  if (slash == std::string_view::npos) {
    return std::nullopt;
  }
  const std::string_view server = rest.substr(0, slash);
  const std::string_view id = rest.substr(slash + 1);
  if (!core::isValidServerName(server) || !isValidMediaId(id)) {
    return std::nullopt;
  }
  return MediaKey{std::string(server), std::string(id)};
}

std::string mxcUri(const MediaKey& key) { return "mxc://" + key.origin + "/" + key.media_id; }

}  // namespace hs::media
