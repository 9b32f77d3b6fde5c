// Per-event history visibility as a pure function: the room's visibility events and the
// user's own membership events in, the positions the user may see out.
#include "homeserver/services/rooms/history_visibility.h"

#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"

namespace hs::rooms {
namespace {

const std::string kUser = "@u:x";

StoredEvent visibility(int64_t pos, const std::string& value) {
  StoredEvent e;
  e.type = "m.room.history_visibility";
  e.state_key = "";
  e.stream_pos = pos;
  e.client_json = R"({"type":"m.room.history_visibility","content":{"history_visibility":")" + value + "\"}}";
  return e;
}

StoredEvent membership(int64_t pos, const std::string& value) {
  StoredEvent e;
  e.type = "m.room.member";
  e.state_key = kUser;
  e.stream_pos = pos;
  e.client_json = R"({"type":"m.room.member","content":{"membership":")" + value + "\"}}";
  return e;
}

Member now(const std::string& value, int64_t pos) { return Member{kUser, value, {}, {}, pos, {}, {}}; }

// Which of positions 1..n the range lets through, as a string of '+' and '.'.
std::string seen(const VisibleRange& r, int64_t n) {
  std::string out;
  for (int64_t p = 1; p <= n; ++p) {
    out += r.contains(p) ? '+' : '.';
  }
  return out;
}

TEST(HistoryVisibility, SharedThenInvitedKeepsTheSharedPartForALaterMember) {
  // 1 shared, 2-3 messages, 4 -> invited, 5-6 messages, 7 the user joins, 8 a message.
  const auto r = visibleRangeOf({{visibility(1, "shared"), visibility(4, "invited"), membership(7, "join")},
                                 now("join", 7), 8});
  EXPECT_EQ(seen(r, 8), "++++..++");  // the change itself counts with the more open value
}

TEST(HistoryVisibility, JoinedThenSharedDoesNotOpenTheJoinedPart) {
  const auto r = visibleRangeOf({{visibility(1, "joined"), visibility(4, "shared"), membership(7, "join")},
                                 now("join", 7), 8});
  // Before the room's first visibility event the room counts as shared: the change at 1 is
  // seen (with the more open of the two), as are the creation events before it.
  EXPECT_EQ(seen(r, 8), "+..+++++");
}

TEST(HistoryVisibility, InvitedShowsFromTheInviteAndJoinedFromTheJoin) {
  const std::vector<StoredEvent> history = {visibility(1, "invited"), membership(4, "invite"), membership(6, "join")};
  EXPECT_EQ(seen(visibleRangeOf({history, now("join", 6), 8}), 8), "+..+++++");
  std::vector<StoredEvent> joined = history;
  joined[0] = visibility(1, "joined");
  EXPECT_EQ(seen(visibleRangeOf({joined, now("join", 6), 8}), 8), "+....+++");
}

TEST(HistoryVisibility, FormerMembersSeeUpToTheirLeaveAndEarlierStretches) {
  // joined visibility: in 2-3, out 4-5, in again 6-7, leaves at 8.
  const std::vector<StoredEvent> history = {visibility(1, "joined"), membership(2, "join"), membership(4, "leave"),
                                            membership(6, "join"), membership(8, "leave")};
  const auto r = visibleRangeOf({history, now("leave", 8), 10});
  EXPECT_EQ(seen(r, 10), "++++.+++..");  // their own leaves are visible to them
  EXPECT_EQ(r.to_incl, 8);
}

TEST(HistoryVisibility, WorldReadableRoomsAreReadableByOutsidersOnlyWhereTheyWere) {
  const std::vector<StoredEvent> history = {visibility(1, "joined"), visibility(3, "world_readable")};
  EXPECT_EQ(seen(visibleRangeOf({history, std::nullopt, 5}), 5), "..+++");
  const std::vector<StoredEvent> closed = {visibility(1, "world_readable"), visibility(3, "shared")};
  EXPECT_THROW(visibleRangeOf({closed, std::nullopt, 5}), core::MatrixError);
  EXPECT_FALSE(visibleRangeIfAny({closed, now("invite", 4), 5}).has_value());  // invited: not yet in
}

TEST(HistoryVisibility, PaginationSkipsHiddenSpans) {
  const auto r = visibleRangeOf({{visibility(1, "shared"), visibility(4, "joined"), membership(8, "join")},
                                 now("join", 8), 9});
  ASSERT_EQ(r.hidden.size(), 1u);
  EXPECT_EQ(r.skipHidden(6, true), 4);   // backwards from 6: continue at 4
  EXPECT_EQ(r.skipHidden(4, false), 7);  // forwards after 4: continue after 7
  EXPECT_EQ(r.skipHidden(9, true), 9);
}

}  // namespace
}  // namespace hs::rooms
