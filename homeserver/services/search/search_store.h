#pragma once
// What server-side search needs from storage. db/pg_search_store implements it with
// PostgreSQL full-text search (migration 0040).
#include <cstdint>
#include <string>
#include <vector>

#include "homeserver/services/rooms/room_store.h"

namespace hs::search {

// The searchable keys of the spec, each the content field of one event type.
enum class SearchKey { kBody, kName, kTopic };

// A room and the stream positions (from_excl, to_incl] of it the searcher may read (the
// outer bounds of their VisibleRange; hidden spans inside are dropped by the service).
struct RoomBounds {
  std::string room_id;
  int64_t from_excl = 0;
  int64_t to_incl = 0;
};

struct TextQuery {
  std::string term;  // user text, parsed with websearch_to_tsquery: never a syntax error
  std::vector<SearchKey> keys;
  std::vector<RoomBounds> rooms;
};

// One page of matches: by rank (ts_rank, newest first among equals) skipping `offset`, or by
// recency below `before_pos`.
struct PageQuery {
  bool by_rank = true;
  int64_t offset = 0;
  int64_t before_pos = INT64_MAX;
  size_t limit = 10;
};

struct SearchHit {
  rooms::StoredEvent event;
  double rank = 0;
};

class SearchStore {
 public:
  virtual ~SearchStore() = default;
  virtual std::vector<SearchHit> search(const TextQuery& q, const PageQuery& page) = 0;
  // All matches within the bounds (the spec's approximate count).
  virtual int64_t count(const TextQuery& q) = 0;
};

}  // namespace hs::search
