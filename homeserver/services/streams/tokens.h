#pragma once
// Sync and pagination tokens. A sync token is "s<stream position>_<typing serial>"; a
// pagination token is "t<depth>_<stream position>", a place in a room's topological order
// (/messages, /context), or "t<stream position>", a place in the stream (sync's prev_batch,
// /relations). They are positions, never times, so they stay exact after a restart (typing is
// in memory and restarts at 0 anyway). Backfilled history has negative stream positions.
#include <cstdint>
#include <optional>
#include <string>

namespace hs::streams {

struct SyncToken {
  int64_t position = 0;
  int64_t typing = 0;
};

std::string renderSyncToken(const SyncToken& t);
// nullopt when malformed.
std::optional<SyncToken> parseSyncToken(const std::string& text);
std::string renderPaginationToken(int64_t position);
// Accepts a pagination token or a sync token (its stream position, 0 for backfilled history);
// nullopt when malformed.
std::optional<int64_t> parsePaginationToken(const std::string& text);

// A place in a room's timeline: topological (depth, stream) or a stream position alone.
struct TimelineToken {
  std::optional<int64_t> depth;
  int64_t stream = 0;
};
std::string renderTimelineToken(const TimelineToken& t);
// Accepts both pagination forms and sync tokens; nullopt when malformed.
std::optional<TimelineToken> parseTimelineToken(const std::string& text);

}  // namespace hs::streams
