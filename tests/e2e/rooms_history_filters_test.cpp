// /messages filters, bundled edits, canonical alias validation.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomHistoryFilters : public RoomSuite<RoomHistoryFilters> {};

TEST_F(RoomHistoryFilters, MessagesFilterKeepsOnlyRequestedTypesAndFillsThePage) {
  const User a = newUser("mf");
  const std::string room = createRoom(a, R"({"name":"Filtered"})");
  for (int i = 0; i < 6; ++i) {
    send(a, room, "m" + std::to_string(i));
    ASSERT_EQ(putState(a, room, "m.room.topic", "", R"({"topic":"t)" + std::to_string(i) + "\"}").status, 200);
  }
  const auto r = messages(a, room, "dir=b&limit=4&filter=" + enc(R"({"types":["m.room.message"]})"));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  ASSERT_EQ(doc["chunk"].Size(), 4u);
  for (const auto& e : doc["chunk"].GetArray()) {
    EXPECT_EQ(str(e, "type"), "m.room.message");
  }
  EXPECT_EQ(str(doc["chunk"][0]["content"], "body"), "m5");
  // The next page continues right after the last returned message.
  const auto next = messages(a, room, "dir=b&limit=4&from=" + std::string(doc["end"].GetString()) +
                                          "&filter=" + enc(R"({"types":["m.room.message"]})"));
  const auto page2 = next.json();
  ASSERT_GE(page2["chunk"].Size(), 2u);
  EXPECT_EQ(str(page2["chunk"][0]["content"], "body"), "m1");
  EXPECT_EQ(str(page2["chunk"][1]["content"], "body"), "m0");
}

TEST_F(RoomHistoryFilters, NotSendersFilter) {
  const User a = newUser("ns_a");
  const User b = newUser("ns_b");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  send(a, room, "from a");
  send(b, room, "from b");
  const auto r = messages(a, room, "dir=b&limit=10&filter=" + enc(R"({"not_senders":[")" + b.id + R"("]})"));
  for (const auto& e : r.json()["chunk"].GetArray()) {
    EXPECT_NE(str(e, "sender"), b.id);
  }
}

TEST_F(RoomHistoryFilters, ContextFilterAndLazyMembers) {
  const User a = newUser("cf_a");
  const User b = newUser("cf_b");
  const User c = newUser("cf_c");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(join(c, room).status, 200);  // c never speaks near the event
  send(b, room, "from b");
  const std::string middle = send(a, room, "middle");
  ASSERT_EQ(sendEvent(a, room, "org.example.noise", "{}").status, 200);
  send(b, room, "b again");
  const std::string filter = R"({"types":["m.room.message"],"lazy_load_members":true})";
  const auto r = roomGet(a, room, "/context/" + enc(middle) + "?limit=4&filter=" + enc(filter));
  ASSERT_EQ(r.status, 200) << r.body;
  const auto doc = r.json();
  for (const char* key : {"events_before", "events_after"}) {
    for (const auto& e : doc[key].GetArray()) {
      EXPECT_EQ(str(e, "type"), "m.room.message") << key;
    }
  }
  std::set<std::string> members;
  for (const auto& e : doc["state"].GetArray()) {
    if (str(e, "type") == "m.room.member") {
      members.insert(str(e, "state_key"));
    }
  }
  EXPECT_EQ(members, (std::set<std::string>{a.id, b.id}));
  EXPECT_NE(findEvent(doc["state"], "m.room.create"), nullptr);  // other state stays whole
  // Without lazy loading every member is there.
  const auto full = roomGet(a, room, "/context/" + enc(middle) + "?limit=4").json();
  EXPECT_NE(findEvent(full["state"], "m.room.member", c.id), nullptr);
  EXPECT_MATRIX_ERROR(roomGet(a, room, "/context/" + enc(middle) + "?filter=" + enc("{bad")), 400,
                      "M_INVALID_PARAM");
}

TEST_F(RoomHistoryFilters, BadFilterIsInvalidParam) {
  const User a = newUser("bf");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(messages(a, room, "dir=b&filter=" + enc("{not json")), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(messages(a, room, "dir=b&filter=" + enc(R"({"types":"x"})")), 400, "M_INVALID_PARAM");
}

TEST_F(RoomHistoryFilters, NewestEditIsBundledOnTheOriginal) {
  const User a = newUser("ed");
  const std::string room = createRoom(a);
  const std::string original = send(a, room, "helo");
  const std::string edit = R"({"msgtype":"m.text","body":"* hello","m.new_content":{"msgtype":"m.text","body":"hello"},)"
                           R"("m.relates_to":{"rel_type":"m.replace","event_id":")" + original + R"("}})";
  const auto sent = sendEvent(a, room, "m.room.message", edit);
  ASSERT_EQ(sent.status, 200) << sent.body;
  const auto r = roomGet(a, room, "/event/" + enc(original));
  ASSERT_EQ(r.status, 200);
  const auto doc = r.json();
  ASSERT_TRUE(doc["unsigned"].HasMember("m.relations")) << r.body;
  EXPECT_EQ(str(doc["unsigned"]["m.relations"]["m.replace"], "event_id"), str(sent.json(), "event_id"));
}

TEST_F(RoomHistoryFilters, CanonicalAliasMustPointAtTheRoom) {
  const User a = newUser("ca");
  const std::string room = createRoom(a);
  EXPECT_MATRIX_ERROR(putState(a, room, "m.room.canonical_alias", "", R"({"alias":"#nowhere:localhost"})"),
                      400, "M_BAD_ALIAS");
  const std::string alias = "#ca" + txn() + ":localhost";
  ASSERT_EQ(s().put(kV3 + "/directory/room/" + enc(alias), R"({"room_id":")" + room + "\"}", a.token).status, 200);
  EXPECT_EQ(putState(a, room, "m.room.canonical_alias", "", R"({"alias":")" + alias + "\"}").status, 200);
}

}  // namespace
}  // namespace hs::test::rooms_e2e
