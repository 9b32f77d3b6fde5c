// /sync over real HTTP: initial and incremental syncs, joined, invited and left rooms,
// limited timelines with prev_batch, state deltas, filters and lazy-loaded members.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class Sync : public RoomSuite<Sync> {
 protected:
  static std::string filter(int limit, bool lazy = false, bool include_leave = false) {
    std::string f = R"({"room":{"timeline":{"limit":)" + std::to_string(limit) + "}";
    if (lazy) {
      f += R"(,"state":{"lazy_load_members":true})";
    }
    if (include_leave) {
      f += R"(,"include_leave":true)";
    }
    return "filter=" + enc(f + "}}");
  }
  static const json::Value* joined(const json::Document& doc, const std::string& room) {
    const auto& join = doc["rooms"]["join"];
    return join.HasMember(room.c_str()) ? &join[room.c_str()] : nullptr;
  }
  static std::vector<std::string> timelineIds(const json::Value& room) {
    return eventIds(room["timeline"]["events"]);
  }
};

TEST_F(Sync, InitialSyncHasTheJoinedRoom) {
  const User a = newUser("init");
  const User b = newUser("initb");
  const std::string room = createRoom(a, R"({"preset":"public_chat","name":"Initial"})");
  ASSERT_EQ(join(b, room).status, 200);
  const std::string m1 = send(a, room, "one");
  const std::string m2 = send(b, room, "two");
  const auto doc = sync(a, filter(3));
  ASSERT_TRUE(doc["next_batch"].IsString());
  const auto* r = joined(doc, room);
  ASSERT_NE(r, nullptr);
  const auto ids = timelineIds(*r);
  ASSERT_EQ(ids.size(), 3u);
  EXPECT_EQ(ids[1], m1);
  EXPECT_EQ(ids[2], m2);
  EXPECT_TRUE((*r)["timeline"]["limited"].GetBool());
  EXPECT_TRUE((*r)["timeline"]["prev_batch"].IsString());
  // State is the state at the start of the timeline, without the timeline's own events.
  const auto& state = (*r)["state"]["events"];
  EXPECT_NE(findEvent(state, "m.room.create", ""), nullptr);
  EXPECT_NE(findEvent(state, "m.room.name", ""), nullptr);
  EXPECT_NE(findEvent(state, "m.room.member", a.id), nullptr);
  for (const auto& id : eventIds(state)) {
    EXPECT_EQ(std::count(ids.begin(), ids.end(), id), 0) << id << " is in both state and timeline";
  }
  EXPECT_EQ((*r)["summary"]["m.joined_member_count"].GetInt(), 2);
  EXPECT_EQ((*r)["summary"]["m.invited_member_count"].GetInt(), 0);
  EXPECT_TRUE((*r)["unread_notifications"]["notification_count"].IsInt());
  EXPECT_TRUE((*r)["unread_notifications"]["highlight_count"].IsInt());
  EXPECT_TRUE((*r)["ephemeral"]["events"].IsArray());
  EXPECT_TRUE((*r)["account_data"]["events"].IsArray());
  // The other required top-level sections are there.
  for (const char* key : {"account_data", "presence", "to_device", "device_lists"}) {
    EXPECT_TRUE(doc.HasMember(key)) << key;
  }
}

TEST_F(Sync, PrevBatchContinuesWithMessages) {
  const User a = newUser("prev");
  const std::string room = createRoom(a);
  std::vector<std::string> sent;
  for (int i = 0; i < 6; ++i) {
    sent.push_back(send(a, room, "p" + std::to_string(i)));
  }
  const auto doc = sync(a, filter(2));
  const auto* r = joined(doc, room);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(timelineIds(*r), (std::vector<std::string>{sent[4], sent[5]}));
  const auto page = messages(a, room, "dir=b&limit=4&from=" + enc(str((*r)["timeline"], "prev_batch"))).json();
  EXPECT_EQ(eventIds(page["chunk"]), (std::vector<std::string>{sent[3], sent[2], sent[1], sent[0]}));
  // /messages also accepts a next_batch token.
  const auto latest = messages(a, room, "dir=b&limit=1&from=" + enc(str(doc, "next_batch"))).json();
  EXPECT_EQ(eventIds(latest["chunk"]), std::vector<std::string>{sent[5]});
}

TEST_F(Sync, IncrementalSyncHasOnlyNewEvents) {
  const User a = newUser("incr");
  const std::string room = createRoom(a);
  const std::string quiet = createRoom(a);
  const std::string since = str(sync(a), "next_batch");
  const std::string m1 = send(a, room, "new 1");
  const std::string m2 = send(a, room, "new 2");
  const auto doc = sync(a, "since=" + enc(since));
  const auto* r = joined(doc, room);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(timelineIds(*r), (std::vector<std::string>{m1, m2}));
  EXPECT_FALSE((*r)["timeline"]["limited"].GetBool());
  EXPECT_EQ((*r)["state"]["events"].Size(), 0u);
  EXPECT_EQ(joined(doc, quiet), nullptr);  // nothing happened there
  // Nothing new since the last batch: no rooms at all.
  const auto again = sync(a, "since=" + enc(str(doc, "next_batch")));
  EXPECT_EQ(again["rooms"]["join"].MemberCount(), 0u);
}

TEST_F(Sync, IncrementalLimitedTimelineHasPrevBatchAndStateDelta) {
  const User a = newUser("lim");
  const std::string room = createRoom(a, R"({"name":"old name"})");
  const std::string since = str(sync(a), "next_batch");
  ASSERT_EQ(putState(a, room, "m.room.name", "", R"({"name":"new name"})").status, 200);
  std::vector<std::string> sent;
  for (int i = 0; i < 8; ++i) {
    sent.push_back(send(a, room, "l" + std::to_string(i)));
  }
  const auto doc = sync(a, "since=" + enc(since) + "&" + filter(3));
  const auto* r = joined(doc, room);
  ASSERT_NE(r, nullptr);
  EXPECT_EQ(timelineIds(*r), (std::vector<std::string>{sent[5], sent[6], sent[7]}));
  EXPECT_TRUE((*r)["timeline"]["limited"].GetBool());
  const auto* name = findEvent((*r)["state"]["events"], "m.room.name", "");
  ASSERT_NE(name, nullptr) << "the name changed in the gap";
  EXPECT_EQ(str((*name)["content"], "name"), "new name");
  EXPECT_EQ(findEvent((*r)["state"]["events"], "m.room.create", ""), nullptr);  // unchanged state stays out
  // The gap is exactly what /messages returns from prev_batch back to `since`.
  const auto gap = messages(a, room, "dir=b&limit=50&from=" + enc(str((*r)["timeline"], "prev_batch")) +
                                         "&to=" + enc(since)).json();
  const auto gap_ids = eventIds(gap["chunk"]);
  ASSERT_EQ(gap_ids.size(), 6u);  // the name change and 5 messages
  EXPECT_EQ(gap_ids[0], sent[4]);
  EXPECT_EQ(gap_ids[4], sent[0]);
}

TEST_F(Sync, RoomJoinedSinceTheLastSyncComesWithFullState) {
  const User a = newUser("newjoin");
  const User b = newUser("newjoinb");
  const std::string room = createRoom(a, R"({"preset":"public_chat","name":"Joined later"})");
  send(a, room, "hello");
  const std::string since = str(sync(b), "next_batch");
  ASSERT_EQ(join(b, room).status, 200);
  const auto doc = sync(b, "since=" + enc(since) + "&" + filter(1));
  const auto* r = joined(doc, room);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(findEvent((*r)["state"]["events"], "m.room.create", ""), nullptr);
  EXPECT_NE(findEvent((*r)["state"]["events"], "m.room.name", ""), nullptr);
  EXPECT_NE(findEvent((*r)["timeline"]["events"], "m.room.member", b.id), nullptr);
}

TEST_F(Sync, InviteHasStrippedStateWithNameAndTheInvite) {
  const User a = newUser("invs");
  const User b = newUser("invsb");
  const std::string room = createRoom(a, R"({"name":"Secret club","topic":"shh"})");
  const std::string since = str(sync(b), "next_batch");
  ASSERT_EQ(invite(a, room, b.id).status, 200);
  for (const std::string query : {std::string(""), "since=" + enc(since)}) {
    const auto doc = sync(b, query);
    ASSERT_TRUE(doc["rooms"]["invite"].HasMember(room.c_str())) << query << doc["rooms"]["invite"].MemberCount();
    EXPECT_FALSE(doc["rooms"]["join"].HasMember(room.c_str()));
    const auto& events = doc["rooms"]["invite"][room.c_str()]["invite_state"]["events"];
    const auto* name = findEvent(events, "m.room.name", "");
    ASSERT_NE(name, nullptr) << query;
    EXPECT_EQ(str((*name)["content"], "name"), "Secret club");
    EXPECT_NE(findEvent(events, "m.room.create", ""), nullptr);
    EXPECT_NE(findEvent(events, "m.room.join_rules", ""), nullptr);
    const auto* invite_event = findEvent(events, "m.room.member", b.id);
    ASSERT_NE(invite_event, nullptr) << query;
    EXPECT_EQ(str((*invite_event)["content"], "membership"), "invite");
    EXPECT_EQ(str(*invite_event, "sender"), a.id);
    EXPECT_NE(findEvent(events, "m.room.member", a.id), nullptr) << "the inviter's member event";
    for (const auto& e : events.GetArray()) {  // stripped: four keys only
      EXPECT_EQ(e.MemberCount(), 4u) << str(e, "type");
      EXPECT_FALSE(e.HasMember("event_id"));
    }
  }
  // After joining, the room moves to join.
  ASSERT_EQ(join(b, room).status, 200);
  const auto after = sync(b, "since=" + enc(since));
  EXPECT_FALSE(after["rooms"]["invite"].HasMember(room.c_str()));
  EXPECT_NE(joined(after, room), nullptr);
}

TEST_F(Sync, LeftRoomsAppearOnceInLeave) {
  const User a = newUser("lft");
  const User b = newUser("lftb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string since = str(sync(b), "next_batch");
  ASSERT_EQ(leave(b, room).status, 200);
  const auto doc = sync(b, "since=" + enc(since));
  EXPECT_EQ(joined(doc, room), nullptr);
  ASSERT_TRUE(doc["rooms"]["leave"].HasMember(room.c_str())) << doc["rooms"]["leave"].MemberCount();
  const auto& left = doc["rooms"]["leave"][room.c_str()];
  const auto* leave_event = findEvent(left["timeline"]["events"], "m.room.member", b.id);
  ASSERT_NE(leave_event, nullptr);
  EXPECT_EQ(str((*leave_event)["content"], "membership"), "leave");
  // Not again on the next incremental sync, nor on an initial sync without include_leave.
  const auto next = sync(b, "since=" + enc(str(doc, "next_batch")));
  EXPECT_FALSE(next["rooms"]["leave"].HasMember(room.c_str()));
  EXPECT_FALSE(sync(b)["rooms"]["leave"].HasMember(room.c_str()));
  EXPECT_TRUE(sync(b, filter(5, false, true))["rooms"]["leave"].HasMember(room.c_str()));
  // Forgotten rooms never come back.
  ASSERT_EQ(s().post(kV3 + "/rooms/" + enc(room) + "/forget", "{}", b.token).status, 200);
  EXPECT_FALSE(sync(b, filter(5, false, true))["rooms"]["leave"].HasMember(room.c_str()));
  // Messages after leaving are not delivered.
  send(a, room, "after b left");
  const auto later = sync(b, "since=" + enc(str(next, "next_batch")));
  EXPECT_FALSE(later["rooms"]["leave"].HasMember(room.c_str()));
  EXPECT_EQ(joined(later, room), nullptr);
}

TEST_F(Sync, LazyLoadedMembersAreOnlyTheTimelineSenders) {
  const User a = newUser("lazy");
  const User b = newUser("lazyb");
  const User c = newUser("lazyc");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(join(c, room).status, 200);
  send(b, room, "b talks");
  const auto doc = sync(a, filter(1, true));
  const auto* r = joined(doc, room);
  ASSERT_NE(r, nullptr);
  const auto& state = (*r)["state"]["events"];
  EXPECT_NE(findEvent(state, "m.room.member", b.id), nullptr);
  EXPECT_NE(findEvent(state, "m.room.member", a.id), nullptr);  // always the user's own
  EXPECT_EQ(findEvent(state, "m.room.member", c.id), nullptr);
  EXPECT_NE(findEvent(state, "m.room.create", ""), nullptr);
  // Without lazy loading, everyone.
  const auto full = sync(a, filter(1));
  EXPECT_NE(findEvent((*joined(full, room))["state"]["events"], "m.room.member", c.id), nullptr);
}

TEST_F(Sync, TransactionIdOnlyForTheSendingDevice) {
  const User a = newUser("stxn", "ONE");
  const auto login = s().post(kV3 + "/login", R"({"type":"m.login.password","identifier":{"type":"m.id.user","user":")" +
                                                  a.id.substr(1, a.id.find(':') - 1) +
                                                  R"("},"password":"password123","device_id":"TWO"})");
  const User a2{a.id, str(login.json(), "access_token")};
  const std::string room = createRoom(a);
  ASSERT_EQ(sendEvent(a, room, "m.room.message", R"({"msgtype":"m.text","body":"t"})", "sync-txn").status, 200);
  auto lastUnsigned = [&](const User& u) {
    const auto doc = sync(u, filter(1));
    const auto& events = (*joined(doc, room))["timeline"]["events"];
    const auto& un = events[events.Size() - 1]["unsigned"];
    return un.HasMember("transaction_id") ? std::string(un["transaction_id"].GetString()) : "(none)";
  };
  EXPECT_EQ(lastUnsigned(a), "sync-txn");
  EXPECT_EQ(lastUnsigned(a2), "(none)");
}

TEST_F(Sync, FullStateAndSummaryHeroes) {
  const User a = newUser("fs");
  const User b = newUser("fsb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  for (int i = 0; i < 12; ++i) {  // the state events are older than any timeline
    send(a, room, "filler");
  }
  const std::string since = str(sync(a), "next_batch");
  const auto doc = sync(a, "full_state=true&since=" + enc(since));
  const auto* r = joined(doc, room);
  ASSERT_NE(r, nullptr);
  EXPECT_NE(findEvent((*r)["state"]["events"], "m.room.create", ""), nullptr);
  const auto& heroes = (*r)["summary"]["m.heroes"];
  ASSERT_TRUE(heroes.IsArray());
  ASSERT_EQ(heroes.Size(), 1u);
  EXPECT_EQ(std::string(heroes[0].GetString()), b.id);
}

TEST_F(Sync, HeroesOnlyForRoomsWithoutANameOrAlias) {
  const User a = newUser("hero");
  const User b = newUser("herob");
  const std::string plain = publicRoom(a);
  const std::string named = createRoom(a, R"({"preset":"public_chat","name":"Named"})");
  const std::string aliased = createRoom(a, R"({"preset":"public_chat","room_alias_name":"hero-alias"})");
  const std::string emptied = createRoom(a, R"({"preset":"public_chat","name":"Soon empty"})");
  ASSERT_EQ(putState(a, emptied, "m.room.name", "", R"({"name":""})").status, 200);
  for (const auto& room : {plain, named, aliased, emptied}) {
    ASSERT_EQ(join(b, room).status, 200);
  }
  const auto doc = sync(a);
  auto summary = [&](const std::string& room) -> const json::Value& {
    const auto* r = joined(doc, room);
    EXPECT_NE(r, nullptr);
    return (*r)["summary"];
  };
  for (const auto& room : {plain, emptied}) {  // an empty name is no name
    ASSERT_TRUE(summary(room).HasMember("m.heroes")) << room;
    ASSERT_EQ(summary(room)["m.heroes"].Size(), 1u);
    EXPECT_EQ(std::string(summary(room)["m.heroes"][0].GetString()), b.id);
  }
  for (const auto& room : {named, aliased}) {
    EXPECT_FALSE(summary(room).HasMember("m.heroes")) << json::toString(summary(room));
    EXPECT_EQ(summary(room)["m.joined_member_count"].GetInt64(), 2);
  }
}

TEST_F(Sync, BadParameters) {
  const User a = newUser("sbad");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/sync?since=garbage", a.token), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/sync?since=s1_x", a.token), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/sync?timeout=soon", a.token), 400, "M_INVALID_PARAM");
  const auto bad_filter = s().get(kV3 + "/sync?filter=" + enc("{not json"), a.token);
  EXPECT_EQ(bad_filter.status, 400) << bad_filter.body;
  const auto wrong_type = s().get(kV3 + "/sync?filter=" + enc(R"({"room":{"timeline":{"limit":"x"}}})"), a.token);
  EXPECT_EQ(wrong_type.status, 400) << wrong_type.body;
  EXPECT_EQ(s().get(kV3 + "/sync?timeout=-5", a.token).status, 200);
}

}  // namespace
}  // namespace hs::test::rooms_e2e
