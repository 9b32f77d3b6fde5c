#pragma once
// Sync and pagination tokens. A sync token is "s<stream position>_<typing serial>"; a
// pagination token is "t<stream position>". Both are positions, never times, so they stay
// exact after a restart (typing is in memory and restarts at 0 anyway).
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
// Accepts a pagination token or a sync token (its stream position); nullopt when malformed.
std::optional<int64_t> parsePaginationToken(const std::string& text);

}  // namespace hs::streams
