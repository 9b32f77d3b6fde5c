#include "homeserver/services/streams/tokens.h"

#include <charconv>

namespace hs::streams {

namespace {
std::optional<int64_t> number(const std::string& text, size_t begin, size_t end) {
  int64_t v = 0;
  const char* first = text.data() + begin;
  const char* last = text.data() + end;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last || begin == end || v < 0) {
    return std::nullopt;
  }
  return v;
}
}  // namespace

std::string renderSyncToken(const SyncToken& t) {
  return "s" + std::to_string(t.position) + "_" + std::to_string(t.typing);
}

std::optional<SyncToken> parseSyncToken(const std::string& text) {
  if (text.size() < 4 || text[0] != 's') {
    return std::nullopt;
  }
  const size_t sep = text.find('_');
  if (sep == std::string::npos) {
    return std::nullopt;
  }
  const auto pos = number(text, 1, sep);
  const auto typing = number(text, sep + 1, text.size());
  if (!pos || !typing) {
    return std::nullopt;
  }
  return SyncToken{*pos, *typing};
}

std::string renderPaginationToken(int64_t position) { return "t" + std::to_string(position); }

std::optional<int64_t> parsePaginationToken(const std::string& text) {
  if (!text.empty() && text[0] == 't') {
    return number(text, 1, text.size());
  }
  if (auto s = parseSyncToken(text)) {
    return s->position;
  }
  return std::nullopt;
}

}  // namespace hs::streams
