#pragma once
// Server-side search of room events (spec "Server Side Search", POST /search): the rooms the
// user is joined to (as Synapse, which does not search rooms the user left), only the events
// per-event history visibility lets them see, less the senders they block.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/services/filters/filter.h"
#include "homeserver/services/rooms/room_reader.h"
#include "homeserver/services/search/search_store.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::search {

struct ContextSpec {
  size_t before = 5;
  size_t after = 5;
  bool include_profile = false;
};

struct SearchRequest {
  std::string term;
  std::vector<SearchKey> keys = {SearchKey::kBody, SearchKey::kName, SearchKey::kTopic};
  filters::RoomEventFilter filter;
  bool by_rank = true;  // order_by "rank", else "recent"
  std::optional<ContextSpec> context;
  bool include_state = false;
  std::optional<std::string> next_batch;
};

struct Profile {
  std::optional<std::string> displayname;
  std::optional<std::string> avatar_url;
};

struct ResultContext {
  std::vector<rooms::StoredEvent> before;  // newest first
  std::vector<rooms::StoredEvent> after;   // oldest first
  int64_t start = 0;  // pagination positions, as /context's
  int64_t end = 0;
  std::map<std::string, Profile> profiles;  // by sender of the result and its context
};

struct SearchResult {
  rooms::StoredEvent event;
  double rank = 0;
  std::optional<ResultContext> context;
};

struct SearchPage {
  std::vector<SearchResult> results;
  int64_t count = 0;
  std::vector<std::string> highlights;
  std::optional<std::string> next_batch;
  std::map<std::string, std::vector<rooms::StoredEvent>> state;  // room -> current state
};

// The words of a search term to highlight: lower-cased letters and digits runs, without the
// operators of websearch_to_tsquery ("or", negated words).
std::vector<std::string> highlightWords(const std::string& term);

class SearchService {
 public:
  SearchService(SearchStore& search, rooms::RoomStore& rooms, rooms::RoomReader& reader,
                streams::StreamTracker& stream)
      : search_(search), rooms_(rooms), reader_(reader), stream_(stream) {}

  // Throws M_INVALID_PARAM for a next_batch this service did not hand out for this order.
  SearchPage search(const std::string& user_id, const SearchRequest& req);

 private:
  std::map<std::string, rooms::VisibleRange> searchableRooms(const std::string& user_id,
                                                             const filters::RoomEventFilter& filter);
  void finish(const std::string& user_id, const SearchRequest& req,
              const std::map<std::string, rooms::VisibleRange>& ranges, SearchPage& out);
  ResultContext contextOf(const std::string& user_id, const rooms::StoredEvent& event,
                          const rooms::VisibleRange& range, const ContextSpec& spec);
  SearchStore& search_;
  rooms::RoomStore& rooms_;
  rooms::RoomReader& reader_;
  streams::StreamTracker& stream_;
};

}  // namespace hs::search
