// /sync filters over real HTTP: types, not_types, senders, not_senders and limit of the
// timeline, state, ephemeral, account data and presence filters, and invalid filters refused
// at upload and inline.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class SyncFilters : public RoomSuite<SyncFilters> {
 protected:
  // A /sync with an inline filter (timeout 0).
  static json::Document filtered(const User& u, const std::string& filter, const std::string& since = "") {
    return sync(u, "filter=" + enc(filter) + (since.empty() ? "" : "&since=" + enc(since)));
  }
  static const json::Value& roomOf(const json::Document& s, const std::string& room) {
    static const json::Value kNull;
    const auto& join = s["rooms"]["join"];
    return join.HasMember(room.c_str()) ? join[room.c_str()] : kNull;
  }
  static std::vector<std::string> types(const json::Value& events) {
    std::vector<std::string> out;
    for (const auto& e : events.GetArray()) {
      out.push_back(str(e, "type"));
    }
    return out;
  }
  static std::vector<std::string> bodies(const json::Value& events) {
    std::vector<std::string> out;
    for (const auto& e : events.GetArray()) {
      out.push_back(e.HasMember("content") ? str(e["content"], "body") : "");
    }
    return out;
  }
  static void sendCustom(const User& u, const std::string& room, int n) {
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(sendEvent(u, room, "org.example.noise", R"({"n":)" + std::to_string(i) + "}").status, 200);
    }
  }
  static bool contains(const std::vector<std::string>& v, const std::string& x) {
    return std::find(v.begin(), v.end(), x) != v.end();
  }
  static std::string nextBatch(const json::Document& s) { return s["next_batch"].GetString(); }
};

TEST_F(SyncFilters, TimelineTypesReturnOnlyThoseTypesUpToTheLimit) {
  const User a = newUser("tltypes");
  const std::string room = createRoom(a);
  send(a, room, "one");
  send(a, room, "two");
  send(a, room, "three");
  // More non-matching events than one read batch holds: the filter must look further back.
  sendCustom(a, room, 120);
  const auto s = filtered(a, R"({"room":{"timeline":{"types":["m.room.message"],"limit":2}}})");
  const auto& timeline = roomOf(s, room)["timeline"];
  EXPECT_EQ(types(timeline["events"]), (std::vector<std::string>{"m.room.message", "m.room.message"}));
  EXPECT_EQ(bodies(timeline["events"]), (std::vector<std::string>{"two", "three"}));
  EXPECT_TRUE(timeline["limited"].GetBool());
  const auto not_types = filtered(a, R"({"room":{"timeline":{"not_types":["org.example.*"],"limit":50}}})");
  for (const auto& type : types(roomOf(not_types, room)["timeline"]["events"])) {
    EXPECT_EQ(type.rfind("org.example.", 0), std::string::npos) << type;
  }
  const auto kept = types(roomOf(not_types, room)["timeline"]["events"]);
  EXPECT_EQ(std::count(kept.begin(), kept.end(), "m.room.message"), 3);
  EXPECT_TRUE(contains(kept, "m.room.create"));  // the room's whole history, less the noise
}

TEST_F(SyncFilters, TimelineSendersAndNotSenders) {
  const User a = newUser("tlsa");
  const User b = newUser("tlsb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  send(a, room, "from a");
  send(b, room, "from b");
  const auto only_b = filtered(a, R"({"room":{"timeline":{"senders":[")" + b.id + R"("]}}})");
  const auto& events = roomOf(only_b, room)["timeline"]["events"];
  ASSERT_GE(events.Size(), 1u);
  for (const auto& e : events.GetArray()) {
    EXPECT_EQ(str(e, "sender"), b.id);
  }
  EXPECT_EQ(bodies(events).back(), "from b");
  const auto not_b = filtered(a, R"({"room":{"timeline":{"not_senders":[")" + b.id + R"("]}}})");
  for (const auto& e : roomOf(not_b, room)["timeline"]["events"].GetArray()) {
    EXPECT_NE(str(e, "sender"), b.id);
  }
}

TEST_F(SyncFilters, IncrementalTimelineFilterKeepsFilteredStateChangesInState) {
  const User a = newUser("tlinc");
  const std::string room = createRoom(a);
  const std::string filter = R"({"room":{"timeline":{"types":["m.room.message"]}}})";
  const auto first = filtered(a, filter);
  ASSERT_EQ(putState(a, room, "m.room.topic", "", R"({"topic":"filtered out"})").status, 200);
  send(a, room, "kept");
  sendCustom(a, room, 1);
  const auto next = filtered(a, filter, nextBatch(first));
  const auto& r = roomOf(next, room);
  ASSERT_TRUE(r.IsObject()) << json::toString(next);
  EXPECT_EQ(types(r["timeline"]["events"]), std::vector<std::string>{"m.room.message"});
  // The topic the timeline filter left out still reaches the client, as state.
  const auto* topic = findEvent(r["state"]["events"], "m.room.topic");
  ASSERT_NE(topic, nullptr) << json::toString(r);
  EXPECT_EQ(str((*topic)["content"], "topic"), "filtered out");
  // Only filtered-out events since: the room is not news.
  sendCustom(a, room, 2);
  const auto quiet = filtered(a, filter, nextBatch(next));
  EXPECT_TRUE(roomOf(quiet, room).IsNull()) << json::toString(quiet);
}

TEST_F(SyncFilters, StateFilterTypesAndSenders) {
  const User a = newUser("stf");
  const User b = newUser("stfb");
  const std::string room = createRoom(a, R"({"preset":"public_chat","name":"Named","topic":"T"})");
  ASSERT_EQ(join(b, room).status, 200);
  const std::string limit1 = R"("timeline":{"limit":1})";
  const auto names = filtered(a, R"({"room":{)" + limit1 + R"(,"state":{"types":["m.room.name"]}}})");
  EXPECT_EQ(types(roomOf(names, room)["state"]["events"]), std::vector<std::string>{"m.room.name"});
  const auto no_members =
      filtered(a, R"({"room":{)" + limit1 + R"(,"state":{"not_types":["m.room.member"]}}})");
  const auto& state = roomOf(no_members, room)["state"]["events"];
  EXPECT_EQ(findEvent(state, "m.room.member"), nullptr);
  EXPECT_NE(findEvent(state, "m.room.create"), nullptr);
  const auto by_b = filtered(b, R"({"room":{"timeline":{"limit":1,"types":["m.room.message"]},)"
                                R"("state":{"senders":[")" + b.id + R"("]}}})");
  const auto& b_state = roomOf(by_b, room)["state"]["events"];
  ASSERT_GE(b_state.Size(), 1u) << json::toString(by_b);
  for (const auto& e : b_state.GetArray()) {
    EXPECT_EQ(str(e, "sender"), b.id);
  }
  const auto limited = filtered(a, R"({"room":{)" + limit1 + R"(,"state":{"limit":2}}})");
  EXPECT_EQ(roomOf(limited, room)["state"]["events"].Size(), 2u);
}

TEST_F(SyncFilters, EphemeralFilterChoosesReceiptsOrTyping) {
  const User a = newUser("eph");
  const User b = newUser("ephb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string event = send(b, room, "read me");
  ASSERT_EQ(s().post(kV3 + "/rooms/" + enc(room) + "/receipt/m.read/" + enc(event), "{}", b.token).status, 200);
  ASSERT_EQ(s().put(kV3 + "/rooms/" + enc(room) + "/typing/" + enc(b.id),
                    R"({"typing":true,"timeout":30000})", b.token).status, 200);
  const auto receipts = filtered(a, R"({"room":{"ephemeral":{"types":["m.receipt"]}}})");
  EXPECT_EQ(types(roomOf(receipts, room)["ephemeral"]["events"]), std::vector<std::string>{"m.receipt"});
  const auto typing = filtered(a, R"({"room":{"ephemeral":{"not_types":["m.receipt"]}}})");
  EXPECT_EQ(types(roomOf(typing, room)["ephemeral"]["events"]), std::vector<std::string>{"m.typing"});
  const auto none = filtered(a, R"({"room":{"ephemeral":{"limit":0}}})");
  EXPECT_EQ(roomOf(none, room)["ephemeral"]["events"].Size(), 0u);
  const auto both = filtered(a, "{}");
  EXPECT_EQ(roomOf(both, room)["ephemeral"]["events"].Size(), 2u);
  // Ephemeral events have no sender: a senders list lets none through (as Synapse).
  const auto senders = filtered(a, R"({"room":{"ephemeral":{"senders":[")" + b.id + R"("]}}})");
  EXPECT_EQ(roomOf(senders, room)["ephemeral"]["events"].Size(), 0u);
}

TEST_F(SyncFilters, AccountDataFiltersExcludeWhatIsAskedFor) {
  const User a = newUser("adf");
  const std::string room = createRoom(a);
  ASSERT_EQ(s().put(kV3 + "/user/" + enc(a.id) + "/account_data/org.example.one", R"({"n":1})", a.token).status, 200);
  ASSERT_EQ(s().put(kV3 + "/user/" + enc(a.id) + "/rooms/" + enc(room) + "/account_data/org.example.room",
                    R"({"n":2})", a.token).status, 200);
  ASSERT_EQ(s().put(kV3 + "/user/" + enc(a.id) + "/rooms/" + enc(room) + "/account_data/org.other.room",
                    R"({"n":3})", a.token).status, 200);
  const auto all = filtered(a, "{}");
  EXPECT_TRUE(contains(types(all["account_data"]["events"]), "m.push_rules"));
  const auto no_rules = filtered(a, R"({"account_data":{"not_types":["m.push_rules"]}})");
  const auto global = types(no_rules["account_data"]["events"]);
  EXPECT_FALSE(contains(global, "m.push_rules"));
  EXPECT_TRUE(contains(global, "org.example.one"));
  const auto only = filtered(a, R"({"account_data":{"types":["m.push_rules"]}})");
  EXPECT_EQ(types(only["account_data"]["events"]), std::vector<std::string>{"m.push_rules"});
  const auto room_data = filtered(a, R"({"room":{"account_data":{"types":["org.example.*"]}}})");
  EXPECT_EQ(types(roomOf(room_data, room)["account_data"]["events"]),
            std::vector<std::string>{"org.example.room"});
  const auto limited = filtered(a, R"({"account_data":{"limit":1}})");
  EXPECT_EQ(limited["account_data"]["events"].Size(), 1u);
}

TEST_F(SyncFilters, PresenceFilterTypesAndSenders) {
  const User a = newUser("prf");
  const User b = newUser("prfb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(s().put(kV3 + "/presence/" + enc(b.id) + "/status", R"({"presence":"online"})", b.token).status, 200);
  ASSERT_EQ(s().put(kV3 + "/presence/" + enc(a.id) + "/status", R"({"presence":"online"})", a.token).status, 200);
  auto senders = [](const json::Document& d) {
    std::vector<std::string> out;
    for (const auto& e : d["presence"]["events"].GetArray()) {
      out.push_back(str(e, "sender"));
    }
    return out;
  };
  const auto all = filtered(a, "{}");
  EXPECT_TRUE(contains(senders(all), b.id));
  EXPECT_TRUE(senders(filtered(a, R"({"presence":{"not_types":["*"]}})")).empty());
  EXPECT_TRUE(senders(filtered(a, R"({"presence":{"types":["m.typing"]}})")).empty());
  EXPECT_EQ(senders(filtered(a, R"({"presence":{"senders":[")" + b.id + R"("]}})")),
            std::vector<std::string>{b.id});
  EXPECT_FALSE(contains(senders(filtered(a, R"({"presence":{"not_senders":[")" + b.id + R"("]}})")), b.id));
  EXPECT_EQ(senders(filtered(a, R"({"presence":{"limit":1}})")).size(), 1u);
}

TEST_F(SyncFilters, PerSectionRoomLists) {
  const User a = newUser("rls");
  const std::string shown = createRoom(a);
  const std::string hidden = createRoom(a);
  const auto s = filtered(a, R"({"room":{"timeline":{"not_rooms":[")" + hidden + R"("]}}})");
  EXPECT_GT(roomOf(s, shown)["timeline"]["events"].Size(), 0u);
  EXPECT_EQ(roomOf(s, hidden)["timeline"]["events"].Size(), 0u);
  const auto only = filtered(a, R"({"room":{"rooms":[")" + shown + R"("]}})");
  EXPECT_FALSE(roomOf(only, shown).IsNull());
  EXPECT_TRUE(roomOf(only, hidden).IsNull());
}

TEST_F(SyncFilters, InvalidFiltersAreRefusedInlineAndAtUpload) {
  const User a = newUser("badf");
  const std::vector<std::pair<std::string, std::string>> cases = {
      {R"({"room":{"timeline":{"limit":"ten"}}})", "M_BAD_JSON"},
      {R"({"room":{"timeline":{"limit":-1}}})", "M_BAD_JSON"},
      {R"({"room":{"state":"all"}})", "M_BAD_JSON"},
      {R"({"room":{"rooms":["not-a-room"]}})", "M_BAD_JSON"},
      {R"({"room":{"ephemeral":{"not_rooms":[7]}}})", "M_BAD_JSON"},
      {R"({"presence":{"senders":["nobody"]}})", "M_BAD_JSON"},
      {R"({"account_data":{"not_senders":["@nohost"]}})", "M_BAD_JSON"},
      {R"({"account_data":{"types":"m.push_rules"}})", "M_BAD_JSON"},
      {R"({"event_fields":[1]})", "M_BAD_JSON"},
      {R"({"event_format":"xml"})", "M_BAD_JSON"},
      {R"({"room":{"include_leave":"yes"}})", "M_BAD_JSON"},
      {R"({"room":{"timeline":{"contains_url":"true"}}})", "M_BAD_JSON"},
      {R"({"room":{"timeline":)", "M_NOT_JSON"},
  };
  for (const auto& [filter, code] : cases) {
    SCOPED_TRACE(filter);
    const auto inline_sync = s().get(kV3 + "/sync?filter=" + enc(filter), a.token);
    EXPECT_MATRIX_ERROR(inline_sync, 400, code);
    EXPECT_MATRIX_ERROR(s().post(kV3 + "/user/" + enc(a.id) + "/filter", filter, a.token), 400, code);
  }
  // A filter id that names no filter of the user.
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/sync?filter=987654", a.token), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(s().get(kV3 + "/sync?filter=nonsense", a.token), 400, "M_INVALID_PARAM");
  // Unknown keys (unstable extensions) are not errors.
  EXPECT_EQ(s().get(kV3 + "/sync?filter=" + enc(R"({"org.example.x":{"y":1},"room":{"z":[]}})"), a.token).status,
            200);
}

TEST_F(SyncFilters, StoredFilterAppliesLikeInline) {
  const User a = newUser("stored");
  const std::string room = createRoom(a);
  send(a, room, "hello");
  sendCustom(a, room, 3);
  const auto up = s().post(kV3 + "/user/" + enc(a.id) + "/filter",
                           R"({"room":{"timeline":{"types":["m.room.message"]}}})", a.token);
  ASSERT_EQ(up.status, 200) << up.body;
  const auto r = sync(a, "filter=" + str(up.json(), "filter_id"));
  EXPECT_EQ(types(roomOf(r, room)["timeline"]["events"]), std::vector<std::string>{"m.room.message"});
}

}  // namespace
}  // namespace hs::test::rooms_e2e
