// What a room event means for a recipient's feed.
#include "homeserver/services/notifications/event_text.h"

#include <gtest/gtest.h>

namespace hs::notifications {
namespace {

std::optional<FeedEntry> entry(const std::string& event, bool notify, bool direct = false,
                               const std::string& room_name = "Club") {
  const auto doc = json::tryParse(event);
  EXPECT_TRUE(doc);
  return feedEntryFor(EventFacts{&*doc, "@me:x", "Sam", room_name, direct, notify});
}

const std::string kMessage =
    R"({"type":"m.room.message","event_id":"$m","room_id":"!r:x","sender":"@s:x","content":{"body":"hello"}})";

TEST(FeedEntry, MessagesOnlyWhenTheRulesNotify) {
  const auto e = entry(kMessage, true);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "new_message");
  EXPECT_EQ(e->title, "Sam in Club");
  EXPECT_EQ(e->body, "hello");
  EXPECT_EQ(e->related_id, "$m");
  EXPECT_EQ(entry(kMessage, true, true)->title, "Sam");
  EXPECT_FALSE(entry(kMessage, false));
}

TEST(FeedEntry, InvitesForTheRecipient) {
  const std::string invite = R"({"type":"m.room.member","room_id":"!r:x","sender":"@s:x","state_key":"@me:x",)"
                             R"("content":{"membership":"invite"}})";
  EXPECT_EQ(entry(invite, true)->title, "Sam invited you to Club");
  EXPECT_EQ(entry(invite, false)->type, "group_invite");
  const std::string dm = R"({"type":"m.room.member","room_id":"!r:x","sender":"@s:x","state_key":"@me:x",)"
                         R"("content":{"membership":"invite","is_direct":true}})";
  EXPECT_EQ(entry(dm, true, false, "")->title, "Sam wants to chat with you");
}

TEST(FeedEntry, GroupUpdatesButNotProfileChangesOrDirectRooms) {
  const std::string rename = R"({"type":"m.room.name","room_id":"!r:x","sender":"@s:x","state_key":"",)"
                             R"("content":{"name":"New"}})";
  const auto e = entry(rename, false);
  ASSERT_TRUE(e);
  EXPECT_EQ(e->type, "group_update");
  EXPECT_EQ(e->body, "Sam renamed the group to New");
  EXPECT_EQ(e->related_id, "!r:x");
  EXPECT_FALSE(entry(rename, false, true));
  const std::string profile = R"({"type":"m.room.member","room_id":"!r:x","sender":"@s:x","state_key":"@s:x",)"
                              R"("content":{"membership":"join","displayname":"S2"},)"
                              R"("unsigned":{"prev_content":{"membership":"join"}}})";
  EXPECT_FALSE(entry(profile, false));
  const std::string kick = R"({"type":"m.room.member","room_id":"!r:x","sender":"@s:x","state_key":"@me:x",)"
                           R"("content":{"membership":"leave"},"unsigned":{"prev_content":{"membership":"join"}}})";
  EXPECT_EQ(entry(kick, false)->body, "Sam removed you");
}

TEST(ThreadOf, ThreadRootOrMain) {
  const auto in_thread = json::tryParse(R"({"content":{"m.relates_to":{"rel_type":"m.thread","event_id":"$root"}}})");
  EXPECT_EQ(threadOf(*in_thread), "$root");
  const auto reply = json::tryParse(R"({"content":{"m.relates_to":{"m.in_reply_to":{"event_id":"$x"}}}})");
  EXPECT_EQ(threadOf(*reply), "main");
}

}  // namespace
}  // namespace hs::notifications
