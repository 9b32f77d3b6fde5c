#include "homeserver/services/rooms/history_visibility.h"

#include <algorithm>
#include <array>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/event.h"
#include "homeserver/services/rooms/room_reader.h"

namespace hs::rooms {

namespace {
// Most open first, and most joined first (Synapse's VISIBILITY_PRIORITY and MEMBERSHIP_PRIORITY).
constexpr std::array<std::string_view, 4> kOpenness = {"world_readable", "shared", "invited", "joined"};
constexpr std::array<std::string_view, 5> kJoinedness = {"join", "invite", "knock", "leave", "ban"};

template <size_t N>
std::string_view firstOf(const std::array<std::string_view, N>& order, std::string_view a, std::string_view b) {
  const auto rank = [&](std::string_view v) { return std::find(order.begin(), order.end(), v) - order.begin(); };
  return rank(a) <= rank(b) ? a : b;
}

std::string membershipOf(const StoredEvent& e) {
  const auto content = json::rawMember(e.client_json, "content");
  const auto doc = content ? json::tryParse(*content) : std::nullopt;
  const json::Value* m = doc && doc->IsObject() ? json::member(*doc, "membership") : nullptr;
  const std::string value = m && m->IsString() ? m->GetString() : "leave";
  // Anything unknown counts as leave, as in Synapse.
  return std::find(kJoinedness.begin(), kJoinedness.end(), value) != kJoinedness.end() ? value : "leave";
}

bool mayView(std::string_view visibility, std::string_view membership, bool member) {
  if (visibility == "world_readable" || membership == "join") {
    return true;
  }
  if (!member || visibility == "joined") {
    return false;
  }
  if (visibility == "invited") {
    return membership == "invite";
  }
  return true;  // shared, and unknown values as shared
}

// Consecutive spans of positions, each visible or not, merged as they are added.
class Spans {
 public:
  void add(int64_t from_excl, int64_t to_incl, bool visible) {
    if (to_incl <= from_excl) {
      return;
    }
    if (!runs_.empty() && runs_.back().visible == visible) {
      runs_.back().to_incl = to_incl;
      return;
    }
    runs_.push_back({from_excl, to_incl, visible});
  }
  // From the first visible span to the last, with the invisible ones between as `hidden`.
  VisibleRange range(int64_t to) const {
    const auto first = std::find_if(runs_.begin(), runs_.end(), [](const Run& r) { return r.visible; });
    const auto last = std::find_if(runs_.rbegin(), runs_.rend(), [](const Run& r) { return r.visible; });
    if (first == runs_.end()) {
      return VisibleRange{to, to, {}};
    }
    VisibleRange out{first->from_excl, last->to_incl, {}};
    for (auto it = first; it != last.base(); ++it) {
      if (!it->visible) {
        out.hidden.emplace_back(it->from_excl, it->to_incl);
      }
    }
    return out;
  }

 private:
  struct Run {
    int64_t from_excl;
    int64_t to_incl;
    bool visible;
  };
  std::vector<Run> runs_;
};
}  // namespace

VisibleRange visibleRangeOf(const VisibilityInputs& in) {
  auto range = visibleRangeIfAny(in);
  if (!range) {
    throw core::MatrixError(core::ErrCode::Forbidden, "You are not in this room");
  }
  return std::move(*range);
}

std::optional<VisibleRange> visibleRangeIfAny(const VisibilityInputs& in) {
  const auto& m = in.membership;
  const bool departed = m && (m->membership == "leave" || m->membership == "ban");
  const bool member = m && (m->membership == "join" || departed);
  std::string current = "shared";
  for (const auto& e : in.history) {
    if (e.type == "m.room.history_visibility") {
      current = historyVisibilityOf(e);
    }
  }
  if (!member && current != "world_readable") {
    return std::nullopt;
  }
  const int64_t to = departed ? m->stream_pos : in.now;
  std::string visibility = "shared";  // before the room's first visibility event
  std::string membership = "leave";   // before the user's first membership event
  Spans spans;
  int64_t cursor = 0;
  for (const auto& e : in.history) {
    if (e.stream_pos > to) {
      break;
    }
    spans.add(cursor, e.stream_pos - 1, mayView(visibility, membership, member));
    if (e.type == "m.room.history_visibility") {
      const std::string after = historyVisibilityOf(e);
      spans.add(e.stream_pos - 1, e.stream_pos, mayView(firstOf(kOpenness, visibility, after), membership, member));
      visibility = after;
    } else {
      const std::string after = membershipOf(e);
      const bool own_leave = after == "leave" && (membership == "join" || membership == "invite");
      spans.add(e.stream_pos - 1, e.stream_pos,
                own_leave || mayView(visibility, firstOf(kJoinedness, membership, after), member));
      membership = after;
    }
    cursor = e.stream_pos;
  }
  spans.add(cursor, to, mayView(visibility, membership, member));
  return spans.range(to);
}

}  // namespace hs::rooms
