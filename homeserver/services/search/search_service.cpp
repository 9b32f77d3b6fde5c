#include "homeserver/services/search/search_service.h"

#include <algorithm>
#include <cctype>
#include <set>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/event.h"
#include "homeserver/services/rooms/history_visibility.h"

namespace hs::search {

using core::ErrCode;
using core::MatrixError;

namespace {

// A filter may drop matches: read further pages until this one is full, within bounds.
constexpr int kMaxRounds = 5;

const char* typeOf(SearchKey key) {
  switch (key) {
    case SearchKey::kBody:
      return "m.room.message";
    case SearchKey::kName:
      return "m.room.name";
    case SearchKey::kTopic:
      return "m.room.topic";
  }
  return "";
}

// next_batch: "rank_<rows consumed>" or "recent_<stream position>", so a token of one order is
// refused by the other.
std::string renderBatch(bool by_rank, int64_t value) {
  return std::string(by_rank ? "rank_" : "recent_") + std::to_string(value);
}

void applyBatch(const std::optional<std::string>& token, PageQuery& page) {
  if (!token) {
    return;
  }
  const std::string prefix = page.by_rank ? "rank_" : "recent_";
  const std::string digits = token->substr(std::min(prefix.size(), token->size()));
  const bool ok = token->rfind(prefix, 0) == 0 && !digits.empty() && digits.size() <= 18 &&
                  std::all_of(digits.begin(), digits.end(), [](char c) { return std::isdigit(c); });
  if (!ok) {
    throw MatrixError(ErrCode::InvalidParam, "Invalid next_batch token");
  }
  (page.by_rank ? page.offset : page.before_pos) = std::stoll(digits);
}

rooms::Member memberOf(const std::string& user_id, const rooms::UserRoom& r) {
  rooms::Member m;
  m.user_id = user_id;
  m.membership = r.membership;
  m.stream_pos = r.stream_pos;
  m.join_since = r.join_since;
  m.invite_since = r.invite_since;
  return m;
}

}  // namespace

std::vector<std::string> highlightWords(const std::string& term) {
  std::vector<std::string> out;
  std::set<std::string> seen;
  std::string word;
  bool negated = false;
  const auto flush = [&] {
    if (!word.empty() && !negated && word != "or" && seen.insert(word).second) {
      out.push_back(word);
    }
    word.clear();
    negated = false;
  };
  for (const char c : term + " ") {
    const auto u = static_cast<unsigned char>(c);
    if (std::isalnum(u) || u >= 0x80) {  // UTF-8 letters are kept whole
      word += static_cast<char>(std::tolower(u));
    } else {
      flush();
      negated = c == '-';
    }
  }
  return out;
}

std::map<std::string, rooms::VisibleRange> SearchService::searchableRooms(
    const std::string& user_id, const filters::RoomEventFilter& filter) {
  std::map<std::string, rooms::UserRoom> joined;
  std::vector<std::string> ids;
  for (auto& r : rooms_.roomsOfUser(user_id)) {
    if (r.membership == "join" && filter.allowsRoom(r.room_id)) {
      ids.push_back(r.room_id);
      joined.emplace(r.room_id, std::move(r));
    }
  }
  const int64_t now = stream_.safePosition();  // read first: the history read next is as new
  std::map<std::string, std::vector<rooms::StoredEvent>> history;
  for (auto& e : rooms_.visibilityHistory(ids, user_id)) {
    history[e.room_id].push_back(std::move(e));
  }
  std::map<std::string, rooms::VisibleRange> out;
  for (const auto& [room_id, r] : joined) {
    auto range = rooms::visibleRangeIfAny(
        rooms::VisibilityInputs{std::move(history[room_id]), memberOf(user_id, r), now});
    if (range) {
      out.emplace(room_id, std::move(*range));
    }
  }
  return out;
}

SearchPage SearchService::search(const std::string& user_id, const SearchRequest& req) {
  PageQuery page;
  page.by_rank = req.by_rank;
  applyBatch(req.next_batch, page);
  page.limit = static_cast<size_t>(std::clamp<int64_t>(req.filter.limitOr(10), 1, 100));
  const auto ranges = searchableRooms(user_id, req.filter);
  TextQuery q{req.term, {}, {}};
  for (const auto key : req.keys) {
    if (req.filter.allowsType(typeOf(key))) {
      q.keys.push_back(key);
    }
  }
  const int64_t now = stream_.safePosition();
  for (const auto& [room_id, range] : ranges) {
    q.rooms.push_back({room_id, range.from_excl, std::min(range.to_incl, now)});
  }
  SearchPage out;
  out.count = search_.count(q);
  out.highlights = highlightWords(req.term);
  const std::set<std::string> blocked = reader_.hiddenSenders(user_id);
  const auto keep = [&](const rooms::StoredEvent& e) {
    return ranges.at(e.room_id).contains(e.stream_pos) && !(blocked.count(e.sender) && !e.state_key) &&
           req.filter.allowsEventJson(e.room_id, e.type, e.sender, e.client_json);
  };
  bool exhausted = false;
  for (int round = 0; round < kMaxRounds && out.results.size() < page.limit && !exhausted; ++round) {
    auto hits = search_.search(q, page);
    exhausted = hits.size() < page.limit;
    for (auto& hit : hits) {
      if (out.results.size() == page.limit) {
        exhausted = false;  // the page is full: the next one starts at this hit
        break;
      }
      if (page.by_rank) {
        ++page.offset;  // rank pages are offsets into the ranked matches
      } else {
        page.before_pos = hit.event.stream_pos;  // recency pages are positions
      }
      if (keep(hit.event)) {
        out.results.push_back({std::move(hit.event), hit.rank, std::nullopt});
      }
    }
  }
  if (!exhausted) {
    out.next_batch = renderBatch(page.by_rank, page.by_rank ? page.offset : page.before_pos);
  }
  finish(user_id, req, ranges, out);
  return out;
}

// The parts of each result asked for besides the event: its context, the rooms' state.
void SearchService::finish(const std::string& user_id, const SearchRequest& req,
                           const std::map<std::string, rooms::VisibleRange>& ranges, SearchPage& out) {
  for (auto& result : out.results) {
    if (req.context) {
      result.context = contextOf(user_id, result.event, ranges.at(result.event.room_id), *req.context);
    }
    if (req.include_state && !out.state.count(result.event.room_id)) {
      out.state[result.event.room_id] = rooms_.currentState(result.event.room_id);
    }
  }
}

ResultContext SearchService::contextOf(const std::string& user_id, const rooms::StoredEvent& event,
                                       const rooms::VisibleRange& range, const ContextSpec& spec) {
  ResultContext c;
  const auto& room = event.room_id;
  if (spec.before > 0) {
    c.before = rooms_.roomEvents(room, range.from_excl, event.stream_pos - 1, spec.before, true);
  }
  if (spec.after > 0) {
    c.after = rooms_.roomEvents(room, event.stream_pos, range.to_incl, spec.after, false);
  }
  c.start = c.before.empty() ? event.stream_pos - 1 : c.before.back().stream_pos - 1;
  c.end = c.after.empty() ? event.stream_pos : c.after.back().stream_pos;
  const auto invisible = [&range](const rooms::StoredEvent& e) { return !range.contains(e.stream_pos); };
  std::erase_if(c.before, invisible);
  std::erase_if(c.after, invisible);
  reader_.dropHidden(user_id, c.before);
  reader_.dropHidden(user_id, c.after);
  if (spec.include_profile) {
    std::set<std::string> senders = {event.sender};
    for (const auto* events : {&c.before, &c.after}) {
      for (const auto& e : *events) {
        senders.insert(e.sender);
      }
    }
    for (const auto& sender : senders) {
      const auto m = rooms_.membership(room, sender);
      c.profiles[sender] = m ? Profile{m->displayname, m->avatar_url} : Profile{};
    }
  }
  return c;
}

}  // namespace hs::search
