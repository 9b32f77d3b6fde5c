#include "homeserver/services/streams/tokens.h"

#include <charconv>

namespace hs::streams {

namespace {
std::optional<int64_t> signedNumber(const std::string& text, size_t begin, size_t end) {
  int64_t v = 0;
  const char* first = text.data() + begin;
  const char* last = text.data() + end;
  auto [ptr, ec] = std::from_chars(first, last, v);
  if (ec != std::errc() || ptr != last || begin == end) {
    return std::nullopt;
  }
  return v;
}

std::optional<int64_t> number(const std::string& text, size_t begin, size_t end) {
  const auto v = signedNumber(text, begin, end);
  return v && *v >= 0 ? v : std::nullopt;
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
  const auto t = parseTimelineToken(text);
  if (!t) {
    return std::nullopt;
  }
  return t->stream < 0 ? 0 : t->stream;
}

std::string renderTimelineToken(const TimelineToken& t) {
  if (!t.depth) {
    return renderPaginationToken(t.stream);
  }
  return "t" + std::to_string(*t.depth) + "_" + std::to_string(t.stream);
}

std::optional<TimelineToken> parseTimelineToken(const std::string& text) {
  if (text.empty() || text[0] != 't') {
    if (auto s = parseSyncToken(text)) {
      return TimelineToken{std::nullopt, s->position};
    }
    return std::nullopt;
  }
  const size_t sep = text.find('_');
  if (sep == std::string::npos) {
    const auto pos = number(text, 1, text.size());
    return pos ? std::optional(TimelineToken{std::nullopt, *pos}) : std::nullopt;
  }
  const auto depth = number(text, 1, sep);
  const auto stream = signedNumber(text, sep + 1, text.size());
  if (!depth || !stream) {
    return std::nullopt;
  }
  return TimelineToken{*depth, *stream};
}

}  // namespace hs::streams
