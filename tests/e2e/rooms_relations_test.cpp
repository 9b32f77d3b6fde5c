// Reactions (duplicates, aggregation, /relations) and redactions over real HTTP.
#include <gtest/gtest.h>

#include "tests/e2e/room_helpers.h"

namespace hs::test::rooms_e2e {
namespace {

class RoomRelations : public RoomSuite<RoomRelations> {
 protected:
  static std::string reactionBody(const std::string& target, const std::string& key) {
    return R"({"m.relates_to":{"rel_type":"m.annotation","event_id":")" + target + R"(","key":")" + key + "\"}}";
  }
  static HttpResult react(const User& u, const std::string& room, const std::string& target,
                          const std::string& key, const std::string& txn_id = "") {
    return sendEvent(u, room, "m.reaction", reactionBody(target, key), txn_id);
  }
  static HttpResult redact(const User& u, const std::string& room, const std::string& event_id,
                           const std::string& body = "{}") {
    return s().put(kV3 + "/rooms/" + enc(room) + "/redact/" + enc(event_id) + "/" + txn(), body, u.token);
  }
  // key -> count from unsigned.m.relations.m.annotation of an event JSON.
  static std::map<std::string, int> annotations(const json::Value& event) {
    std::map<std::string, int> out;
    const auto& u = event["unsigned"];
    if (!u.HasMember("m.relations")) {
      return out;
    }
    for (const auto& a : u["m.relations"]["m.annotation"]["chunk"].GetArray()) {
      EXPECT_EQ(str(a, "type"), "m.reaction");
      out[str(a, "key")] = a["count"].GetInt();
    }
    return out;
  }
  static json::Document event(const User& u, const std::string& room, const std::string& id) {
    const auto r = roomGet(u, room, "/event/" + enc(id));
    EXPECT_EQ(r.status, 200) << r.body;
    return r.json();
  }
  static HttpResult relations(const User& u, const std::string& room, const std::string& rest) {
    return s().get("/_matrix/client/v1/rooms/" + enc(room) + "/relations/" + rest, u.token);
  }
};

TEST_F(RoomRelations, DuplicateReactionIsRefusedButRetriesAreIdempotent) {
  const User a = newUser("react");
  const User b = newUser("reactb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string target = send(a, room, "react to me");
  const auto first = react(b, room, target, "👍", "react-txn");
  ASSERT_EQ(first.status, 200) << first.body;
  // A retry of the same request (same txn id) gets the same answer, not an error.
  const auto retry = react(b, room, target, "👍", "react-txn");
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_EQ(str(retry.json(), "event_id"), str(first.json(), "event_id"));
  EXPECT_MATRIX_ERROR(react(b, room, target, "👍"), 400, "M_DUPLICATE_ANNOTATION");
  EXPECT_EQ(react(b, room, target, "🎉").status, 200);
  EXPECT_EQ(react(a, room, target, "👍").status, 200);  // another user may use the same key
  // Once redacted, the reaction may be sent again.
  ASSERT_EQ(redact(b, room, str(first.json(), "event_id")).status, 200);
  EXPECT_EQ(react(b, room, target, "👍").status, 200);
}

TEST_F(RoomRelations, ReactionsAreAggregatedInUnsigned) {
  const User a = newUser("agg");
  const User b = newUser("aggb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string target = send(a, room, "popular");
  ASSERT_EQ(react(a, room, target, "👍").status, 200);
  ASSERT_EQ(react(b, room, target, "👍").status, 200);
  const auto heart = react(b, room, target, "❤️");
  ASSERT_EQ(heart.status, 200);
  using M = std::map<std::string, int>;
  EXPECT_EQ(annotations(event(a, room, target)), (M{{"👍", 2}, {"❤️", 1}}));
  const auto page = messages(b, room, "dir=b&limit=10").json();
  bool seen = false;
  for (const auto& e : page["chunk"].GetArray()) {
    if (str(e, "event_id") == target) {
      seen = true;
      EXPECT_EQ(annotations(e), (M{{"👍", 2}, {"❤️", 1}}));
    }
  }
  EXPECT_TRUE(seen);
  ASSERT_EQ(redact(b, room, str(heart.json(), "event_id")).status, 200);
  EXPECT_EQ(annotations(event(a, room, target)), (M{{"👍", 2}}));
}

TEST_F(RoomRelations, ThreadSummariesAreBundledWithTheirRoot) {
  const User a = newUser("thr");
  const User b = newUser("thrb");
  const User c = newUser("thrc");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(join(c, room).status, 200);
  const std::string root = send(a, room, "start a thread");
  const auto reply = [&](const User& u, const std::string& body) {
    const auto r = sendEvent(u, room, "m.room.message",
                             R"({"msgtype":"m.text","body":")" + body +
                                 R"(","m.relates_to":{"rel_type":"m.thread","event_id":")" + root + R"("}})");
    EXPECT_EQ(r.status, 200) << r.body;
    return str(r.json(), "event_id");
  };
  reply(b, "first reply");
  const std::string last = reply(b, "second reply");
  const auto thread_of = [&](const User& viewer) {
    const auto doc = event(viewer, room, root);
    EXPECT_TRUE(doc["unsigned"].HasMember("m.relations")) << json::toString(doc);
    return json::toString(doc["unsigned"]["m.relations"]["m.thread"]);
  };
  for (const User* viewer : {&a, &b, &c}) {
    const auto doc = json::parseObject(thread_of(*viewer));
    EXPECT_EQ(doc["count"].GetInt(), 2);
    EXPECT_EQ(str(doc["latest_event"], "event_id"), last);
    EXPECT_EQ(str(doc["latest_event"]["content"], "body"), "second reply");
    // The root's sender and a replier took part; c only read.
    EXPECT_EQ(doc["current_user_participated"].GetBool(), viewer != &c) << viewer->id;
  }
  // A redacted reply leaves the thread; a message without the relation has no summary.
  ASSERT_EQ(redact(b, room, last).status, 200);
  EXPECT_EQ(json::parseObject(thread_of(a))["count"].GetInt(), 1);
  const std::string plain = send(a, room, "no thread");
  EXPECT_FALSE(event(a, room, plain)["unsigned"].HasMember("m.relations"));
}

TEST_F(RoomRelations, RelationsEndpointFiltersByRelTypeAndEventType) {
  const User a = newUser("rel");
  const std::string room = createRoom(a);
  const std::string target = send(a, room, "parent");
  const std::string reaction = str(react(a, room, target, "x").json(), "event_id");
  const auto edit = sendEvent(a, room, "m.room.message", R"({"msgtype":"m.text","body":"* edited",
      "m.new_content":{"msgtype":"m.text","body":"edited"},
      "m.relates_to":{"rel_type":"m.replace","event_id":")" + target + R"("}})");
  ASSERT_EQ(edit.status, 200);
  const std::string edit_id = str(edit.json(), "event_id");
  send(a, room, "unrelated");
  const auto all = relations(a, room, enc(target));
  ASSERT_EQ(all.status, 200) << all.body;
  auto ids = eventIds(all.json()["chunk"]);
  EXPECT_EQ(std::set<std::string>(ids.begin(), ids.end()), (std::set<std::string>{reaction, edit_id}));
  EXPECT_EQ(eventIds(relations(a, room, enc(target) + "/m.annotation").json()["chunk"]),
            std::vector<std::string>{reaction});
  EXPECT_EQ(eventIds(relations(a, room, enc(target) + "/m.replace/m.room.message").json()["chunk"]),
            std::vector<std::string>{edit_id});
  EXPECT_TRUE(eventIds(relations(a, room, enc(target) + "/m.annotation/m.room.message").json()["chunk"]).empty());
  EXPECT_MATRIX_ERROR(relations(a, room, enc("$unknown")), 404, "M_NOT_FOUND");
  EXPECT_EQ(relations(newUser("relout"), room, enc(target)).status, 403);
}

TEST_F(RoomRelations, RelationsPaginateBothWays) {
  const User a = newUser("relpage");
  const std::string room = createRoom(a);
  const std::string target = send(a, room, "parent");
  std::vector<std::string> children;
  for (const char* key : {"k1", "k2", "k3", "k4", "k5"}) {
    children.push_back(str(react(a, room, target, key).json(), "event_id"));
  }
  send(a, room, "unrelated");
  std::vector<std::string> seen;
  std::string from;
  for (int page = 0; page < 5; ++page) {
    const auto r = relations(a, room, enc(target) + "?limit=2" + (from.empty() ? "" : "&from=" + enc(from)));
    ASSERT_EQ(r.status, 200) << r.body;
    const auto doc = r.json();
    EXPECT_EQ(doc.HasMember("prev_batch"), !from.empty());
    for (const auto& id : eventIds(doc["chunk"])) {
      seen.push_back(id);
    }
    if (!doc.HasMember("next_batch")) {
      break;
    }
    from = str(doc, "next_batch");
  }
  EXPECT_EQ(seen, std::vector<std::string>(children.rbegin(), children.rend()));  // newest first
  const auto forwards = relations(a, room, enc(target) + "/m.annotation?dir=f&limit=3").json();
  EXPECT_EQ(eventIds(forwards["chunk"]), (std::vector<std::string>{children[0], children[1], children[2]}));
  const auto rest = relations(a, room, enc(target) + "/m.annotation?dir=f&limit=3&from=" +
                                           enc(str(forwards, "next_batch"))).json();
  EXPECT_EQ(eventIds(rest["chunk"]), (std::vector<std::string>{children[3], children[4]}));
  EXPECT_FALSE(rest.HasMember("next_batch"));
  EXPECT_MATRIX_ERROR(relations(a, room, enc(target) + "?dir=x"), 400, "M_INVALID_PARAM");
  EXPECT_MATRIX_ERROR(relations(a, room, enc(target) + "?from=junk"), 400, "M_INVALID_PARAM");
}

TEST_F(RoomRelations, RelationsFollowHistoryVisibility) {
  const User a = newUser("relvis");
  const User b = newUser("relvisb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string target = send(a, room, "parent");
  ASSERT_EQ(leave(b, room).status, 200);
  // Sent after b left: b may read the parent, but not this.
  ASSERT_EQ(react(a, room, target, "after b left").status, 200);
  const auto r = relations(b, room, enc(target));
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.json()["chunk"].Size(), 0u);
}

TEST_F(RoomRelations, RelationsFromAnotherRoomAreIgnored) {
  // Someone outside room A relates an event of their own room B to an event of room A:
  // A's members must not see it in /relations or in the aggregation.
  const User a = newUser("xroom");
  const User mallory = newUser("xroomm");
  const std::string room_a = createRoom(a);
  const std::string target = send(a, room_a, "mine");
  const std::string room_b = createRoom(mallory);
  const auto sneaky = react(mallory, room_b, target, "👎");
  EXPECT_TRUE(sneaky.status == 200 || sneaky.status == 400) << sneaky.body;  // refusing is fine too
  EXPECT_TRUE(annotations(event(a, room_a, target)).empty());
  EXPECT_TRUE(eventIds(relations(a, room_a, enc(target)).json()["chunk"]).empty());
  // And a reaction sent in room B does not count as a duplicate in room A... for a member of both.
  ASSERT_EQ(invite(a, room_a, mallory.id).status, 200);
  ASSERT_EQ(join(mallory, room_a).status, 200);
  EXPECT_EQ(react(mallory, room_a, target, "👎").status, 200);
}

TEST_F(RoomRelations, RedactOwnEventEmptiesItsContent) {
  const User a = newUser("red");
  const std::string room = createRoom(a);
  const std::string id = send(a, room, "oops");
  const auto r = redact(a, room, id, R"({"reason":"typo"})");
  ASSERT_EQ(r.status, 200) << r.body;
  const std::string redaction_id = str(r.json(), "event_id");
  ASSERT_FALSE(redaction_id.empty());
  const auto ev = event(a, room, id);
  EXPECT_EQ(ev["content"].MemberCount(), 0u);
  EXPECT_EQ(str(ev, "type"), "m.room.message");
  ASSERT_TRUE(ev["unsigned"].HasMember("redacted_because"));
  const auto& because = ev["unsigned"]["redacted_because"];
  EXPECT_EQ(str(because, "event_id"), redaction_id);
  EXPECT_EQ(str(because, "type"), "m.room.redaction");
  EXPECT_EQ(str(because["content"], "reason"), "typo");
  // /messages shows the same, and the redaction event itself names its target at the top
  // level too (v11 keeps `redacts` in content; clients read the top-level copy).
  const auto page = messages(a, room, "dir=b&limit=2").json();
  ASSERT_EQ(page["chunk"].Size(), 2u);
  EXPECT_EQ(str(page["chunk"][0], "event_id"), redaction_id);
  EXPECT_EQ(str(page["chunk"][0], "redacts"), id);
  EXPECT_EQ(str(page["chunk"][0]["content"], "redacts"), id);
  EXPECT_EQ(str(page["chunk"][1], "event_id"), id);
  EXPECT_EQ(page["chunk"][1]["content"].MemberCount(), 0u);
  EXPECT_TRUE(page["chunk"][1]["unsigned"].HasMember("redacted_because"));
}

TEST_F(RoomRelations, RedactOthersNeedsTheRedactLevel) {
  const User admin = newUser("redadmin");
  const User b = newUser("redb");
  const User c = newUser("redc");
  const std::string room = publicRoom(admin);
  ASSERT_EQ(join(b, room).status, 200);
  ASSERT_EQ(join(c, room).status, 200);
  const std::string by_b = send(b, room, "b's message");
  EXPECT_MATRIX_ERROR(redact(c, room, by_b), 403, "M_FORBIDDEN");
  EXPECT_EQ(event(c, room, by_b)["content"].MemberCount(), 2u);  // untouched
  ASSERT_EQ(redact(admin, room, by_b).status, 200);
  EXPECT_EQ(event(c, room, by_b)["content"].MemberCount(), 0u);
}

TEST_F(RoomRelations, RedactionErrors) {
  const User a = newUser("rederr");
  const User outsider = newUser("rederrout");
  const std::string room = createRoom(a);
  const std::string other = createRoom(a);
  const std::string id = send(a, room, "x");
  EXPECT_MATRIX_ERROR(redact(a, room, "$nope"), 404, "M_NOT_FOUND");
  EXPECT_MATRIX_ERROR(redact(a, other, id), 404, "M_NOT_FOUND");
  EXPECT_EQ(redact(outsider, room, id).status, 403);
  EXPECT_MATRIX_ERROR(redact(a, room, id, R"({"reason":5})"), 400, "M_BAD_JSON");
  EXPECT_MATRIX_ERROR(redact(a, room, id, "nope"), 400, "M_NOT_JSON");
  // Redactions go through /redact, not /send.
  EXPECT_EQ(sendEvent(a, room, "m.room.redaction", R"({"redacts":")" + id + "\"}").status, 403);
}

TEST_F(RoomRelations, RedactedStateKeepsItsProtectedKeys) {
  const User a = newUser("redstate");
  const std::string room = createRoom(a);
  const auto set = putState(a, room, "m.room.join_rules", "", R"({"join_rule":"public","extra":"x"})");
  ASSERT_EQ(set.status, 200);
  ASSERT_EQ(redact(a, room, str(set.json(), "event_id")).status, 200);
  const auto ev = event(a, room, str(set.json(), "event_id"));
  EXPECT_EQ(str(ev["content"], "join_rule"), "public");
  EXPECT_FALSE(ev["content"].HasMember("extra"));
}

}  // namespace
}  // namespace hs::test::rooms_e2e

namespace hs::test::rooms_e2e {
namespace {

// Bundled aggregations (unsigned.m.relations) hold only relations the viewer may see, by the
// rule /relations applies: a former member reading an event they were allowed to see gets no
// edit, thread reply or reaction key sent after they left.
TEST_F(RoomRelations, BundlesHoldOnlyWhatTheViewerMaySee) {
  const User a = newUser("bund");
  const User b = newUser("bundb");
  const std::string room = publicRoom(a);
  ASSERT_EQ(join(b, room).status, 200);
  const std::string target = send(a, room, "original");
  ASSERT_EQ(react(a, room, target, "early").status, 200);
  ASSERT_EQ(leave(b, room).status, 200);
  ASSERT_EQ(react(a, room, target, "secretkey").status, 200);
  ASSERT_EQ(sendEvent(a, room, "m.room.message",
                      R"({"body":"* secretedit","m.new_content":{"body":"secretedit"},)"
                      R"("m.relates_to":{"rel_type":"m.replace","event_id":")" + target + "\"}}")
                .status,
            200);
  ASSERT_EQ(sendEvent(a, room, "m.room.message",
                      R"({"body":"secretthread","m.relates_to":{"rel_type":"m.thread","event_id":")" + target +
                          "\"}}")
                .status,
            200);
  using M = std::map<std::string, int>;
  const auto seen_by_b = event(b, room, target);
  EXPECT_EQ(annotations(seen_by_b), (M{{"early", 1}}));
  for (const auto& r : {roomGet(b, room, "/event/" + enc(target)), messages(b, room, "dir=b&limit=50"),
                        roomGet(b, room, "/context/" + enc(target)), relations(b, room, enc(target))}) {
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.body.find("secret"), std::string::npos) << r.body;
  }
  // The sender, still in the room, sees all of it.
  const auto seen_by_a = event(a, room, target);
  EXPECT_EQ(annotations(seen_by_a), (M{{"early", 1}, {"secretkey", 1}}));
  const auto& rel = seen_by_a["unsigned"]["m.relations"];
  EXPECT_TRUE(rel.HasMember("m.replace"));
  EXPECT_TRUE(rel.HasMember("m.thread"));
}

}  // namespace
}  // namespace hs::test::rooms_e2e
