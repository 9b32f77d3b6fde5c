// Rooms shared between Parley servers over real TLS (issue 15): a user of hs1 invites a user of
// hs2 (invite v2 both ways), who joins (make_join / send_join v2); messages flow both ways and
// wake long-polls; remote aliases and via servers, with a dead server tried first. Every test
// compares the current state of the room on each server at the end.
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <map>
#include <pqxx/pqxx>
#include <thread>

#include "tests/support/federation_helpers.h"
#include "tests/support/matrix_client.h"
#include "tests/support/sinks.h"

namespace hs::test {
namespace {

using StateIds = std::map<std::pair<std::string, std::string>, std::string>;

// The room's current state on `s` as `token` sees it: (type, state_key) -> event_id.
StateIds stateIds(TestServer& s, const std::string& token, const std::string& room) {
  const auto r = s.get(kV3 + "/rooms/" + enc(room) + "/state", token);
  EXPECT_EQ(r.status, 200) << r.body;
  StateIds out;
  const auto doc = r.json();
  for (const auto& e : doc.GetArray()) {
    out[{e["type"].GetString(), e["state_key"].GetString()}] = e["event_id"].GetString();
  }
  return out;
}

// Long-polls `s` from `since` until `done` holds for a response (at most ~15 s); returns it.
json::Document syncUntil(TestServer& s, const std::string& token, std::string since,
                         const std::function<bool(const json::Value&)>& done) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(15);
  json::Document doc = sync(s, token, since);
  while (!done(doc) && std::chrono::steady_clock::now() < deadline) {
    since = doc["next_batch"].GetString();
    const auto r = s.get(kV3 + "/sync?timeout=5000&since=" + enc(since), token);
    doc = r.json();
  }
  return doc;
}

std::vector<std::string> bodiesIn(const json::Value& sync, const std::string& room) {
  std::vector<std::string> out;
  const json::Value* r = joinedRoom(sync, room);
  if (r != nullptr) {
    for (const auto& e : (*r)["timeline"]["events"].GetArray()) {
      if (e.HasMember("content") && e["content"].HasMember("body")) {
        out.push_back(e["content"]["body"].GetString());
      }
    }
  }
  return out;
}

// Waits until `token`'s /sync on `s` shows a message with `body` in `room`.
bool seesMessage(TestServer& s, const std::string& token, const std::string& room, const std::string& body) {
  const auto doc = syncUntil(s, token, "", [&](const json::Value& d) { return contains(bodiesIn(d, room), body); });
  return contains(bodiesIn(doc, room), body);
}

class FederatedRooms : public FederatingPair {
 protected:
  void SetUp() override {
    FederatingPair::SetUp();
    alice_ = hs1_->registerUser("alice", "password123", "ALICEDEV");
    bob_ = hs2_->registerUser("bob", "password123", "BOBDEV");
    ASSERT_EQ(hs1_->put(kV3 + "/profile/" + enc(alice()) + "/displayname", R"({"displayname":"Alice A"})", alice_)
                  .status,
              200);
  }
  std::string alice() const { return "@alice:" + fedName(p1_); }
  std::string bob() const { return "@bob:" + fedName(p2_); }

  std::string alice_, bob_;
};

TEST_F(FederatedRooms, InviteJoinAndMessagesBothWays) {
  const std::string room = createRoom(*hs1_, alice_, R"({"preset":"private_chat","name":"Across"})");
  const auto invited = hs1_->post(kV3 + "/rooms/" + enc(room) + "/invite", R"({"user_id":")" + bob() + R"("})", alice_);
  ASSERT_EQ(invited.status, 200) << invited.body;

  // Bob's /sync shows the invite with the room's stripped state and the inviter's profile.
  const auto invite_sync = syncUntil(*hs2_, bob_, "", [&](const json::Value& d) {
    return d["rooms"].HasMember("invite") && d["rooms"]["invite"].HasMember(room.c_str());
  });
  ASSERT_TRUE(invite_sync["rooms"]["invite"].HasMember(room.c_str())) << json::toString(invite_sync);
  std::map<std::string, const json::Value*> stripped;
  for (const auto& e : invite_sync["rooms"]["invite"][room.c_str()]["invite_state"]["events"].GetArray()) {
    EXPECT_FALSE(e.HasMember("signatures")) << "stripped state carries only type, state_key, sender, content";
    stripped[std::string(e["type"].GetString()) + "|" + e["state_key"].GetString()] = &e;
  }
  ASSERT_TRUE(stripped.count("m.room.create|"));
  ASSERT_TRUE(stripped.count("m.room.name|"));
  EXPECT_STREQ((*stripped["m.room.name|"])["content"]["name"].GetString(), "Across");
  ASSERT_TRUE(stripped.count("m.room.member|" + alice()));
  EXPECT_STREQ((*stripped["m.room.member|" + alice()])["content"]["displayname"].GetString(), "Alice A");
  ASSERT_TRUE(stripped.count("m.room.member|" + bob()));
  EXPECT_STREQ((*stripped["m.room.member|" + bob()])["sender"].GetString(), alice().c_str());

  const auto joined = hs2_->post(kV3 + "/join/" + enc(room), "{}", bob_);
  ASSERT_EQ(joined.status, 200) << joined.body;
  const auto members = hs1_->get(kV3 + "/rooms/" + enc(room) + "/joined_members", alice_).json();
  EXPECT_TRUE(members["joined"].HasMember(bob().c_str())) << json::toString(members);

  // A long-poll on each side wakes for the other side's message.
  const std::string alice_since = sync(*hs1_, alice_)["next_batch"].GetString();
  sendText(*hs2_, bob_, room, "hello from hs2");
  const auto alice_sync = syncUntil(*hs1_, alice_, alice_since, [&](const json::Value& d) {
    return contains(bodiesIn(d, room), "hello from hs2");
  });
  EXPECT_TRUE(contains(bodiesIn(alice_sync, room), "hello from hs2")) << json::toString(alice_sync);
  sendText(*hs1_, alice_, room, "hello from hs1");
  EXPECT_TRUE(seesMessage(*hs2_, bob_, room, "hello from hs1"));
  EXPECT_TRUE(seesMessage(*hs2_, bob_, room, "hello from hs2"));

  const StateIds on_hs1 = stateIds(*hs1_, alice_, room);
  EXPECT_EQ(on_hs1, stateIds(*hs2_, bob_, room));
}

// Three servers: carol (hs3) joins a public room by its alias on hs1 (query/directory) with a
// dead server named first; dave (hs2) joins by room ID through hs3 alone, which is then a
// resident server. Everyone sees everyone's messages and the three states match.
TEST_F(FederatedRooms, RemoteAliasAndViaServersTryingTheNextOne) {
  const int p3 = freeLoopbackPort();
  TestServer hs3(federating(pki_, p3));
  const std::string carol = hs3.registerUser("carol", "password123", "CAROLDEV");
  const std::string room =
      createRoom(*hs1_, alice_, R"({"preset":"public_chat","room_alias_name":"fedpub","name":"Open"})");
  const std::string dead = fedName(freeLoopbackPort());  // nothing listens there

  const auto by_alias = hs3.post(kV3 + "/join/" + enc("#fedpub:" + fedName(p1_)) + "?server_name=" + enc(dead), "{}",
                                 carol);
  ASSERT_EQ(by_alias.status, 200) << by_alias.body;
  EXPECT_EQ(std::string(by_alias.json()["room_id"].GetString()), room);

  const auto by_id = hs2_->post(kV3 + "/join/" + enc(room) + "?via=" + enc(dead) + "&via=" + enc(fedName(p3)), "{}",
                                bob_);
  ASSERT_EQ(by_id.status, 200) << by_id.body;

  sendText(*hs1_, alice_, room, "from alice");
  sendText(hs3, carol, room, "from carol");
  sendText(*hs2_, bob_, room, "from bob");
  for (const char* body : {"from alice", "from carol", "from bob"}) {
    EXPECT_TRUE(seesMessage(*hs1_, alice_, room, body)) << body;
    EXPECT_TRUE(seesMessage(*hs2_, bob_, room, body)) << body;
    EXPECT_TRUE(seesMessage(hs3, carol, room, body)) << body;
  }
  const StateIds on_hs1 = stateIds(*hs1_, alice_, room);
  for (const auto& user : {alice(), bob(), "@carol:" + fedName(p3)}) {
    EXPECT_TRUE(on_hs1.count({"m.room.member", user})) << user;
  }
  EXPECT_EQ(on_hs1, stateIds(*hs2_, bob_, room));
  EXPECT_EQ(on_hs1, stateIds(hs3, carol, room));
}

TEST_F(FederatedRooms, RejectingARemoteInviteLeavesThroughTheInvitingServer) {
  const std::string room = createRoom(*hs1_, alice_, R"({"preset":"private_chat"})");
  invite(*hs1_, alice_, room, bob());
  const auto left = hs2_->post(kV3 + "/rooms/" + enc(room) + "/leave", "{}", bob_);
  ASSERT_EQ(left.status, 200) << left.body;
  const auto member = hs1_->get(kV3 + "/rooms/" + enc(room) + "/state/m.room.member/" + enc(bob()), alice_);
  ASSERT_EQ(member.status, 200) << member.body;
  EXPECT_STREQ(member.json()["membership"].GetString(), "leave");
  const auto after = sync(*hs2_, bob_);
  EXPECT_FALSE(after["rooms"].HasMember("invite") && after["rooms"]["invite"].HasMember(room.c_str()))
      << json::toString(after);
  // The invite is gone: joining now is refused by hs1 (a private room).
  EXPECT_EQ(hs2_->post(kV3 + "/join/" + enc(room), "{}", bob_).status, 403);
}

// hs1's outbox loses a PDU (a trigger drops it): hs2 learns of it from the next event's
// prev_events and fetches it from hs1 with get_missing_events; bob sees both, in order.
TEST_F(FederatedRooms, AMissedEventIsFetchedWithGetMissingEvents) {
  const std::string room = createRoom(*hs1_, alice_, R"({"preset":"public_chat"})");
  ASSERT_EQ(hs2_->post(kV3 + "/join/" + enc(room) + "?via=" + enc(fedName(p1_)), "{}", bob_).status, 200);
  {
    pqxx::connection c(hs1_->dbUrl());
    pqxx::work tx(c);
    tx.exec(
        "CREATE FUNCTION lose_in_transit() RETURNS trigger AS $$ BEGIN "
        "IF NEW.is_pdu AND strpos(NEW.content, 'lost in transit') > 0 THEN RETURN NULL; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql");
    tx.exec("CREATE TRIGGER lose_in_transit BEFORE INSERT ON federation_outbox FOR EACH ROW "
            "EXECUTE FUNCTION lose_in_transit()");
    tx.commit();
  }
  const std::string lost = sendText(*hs1_, alice_, room, "lost in transit");
  const std::string next = sendText(*hs1_, alice_, room, "after the loss");
  ASSERT_TRUE(seesMessage(*hs2_, bob_, room, "after the loss"));
  const auto page = hs2_->get(kV3 + "/rooms/" + enc(room) + "/messages?dir=b&limit=2", bob_).json();
  ASSERT_EQ(page["chunk"].Size(), 2u) << json::toString(page);
  EXPECT_EQ(std::string(page["chunk"][0]["event_id"].GetString()), next);
  EXPECT_EQ(std::string(page["chunk"][1]["event_id"].GetString()), lost);
  EXPECT_EQ(stateIds(*hs1_, alice_, room), stateIds(*hs2_, bob_, room));
}

// A direct chat across servers: createRoom with is_direct and a remote invitee; bob sees the
// invite flagged is_direct from alice, joins, and the room lands in his m.direct under alice.
TEST_F(FederatedRooms, ADirectChatAcrossServers) {
  const std::string room =
      createRoom(*hs1_, alice_, R"({"preset":"trusted_private_chat","is_direct":true,"invite":[")" + bob() + R"("]})");
  const auto invited = syncUntil(*hs2_, bob_, "", [&](const json::Value& d) {
    return d["rooms"].HasMember("invite") && d["rooms"]["invite"].HasMember(room.c_str());
  });
  ASSERT_TRUE(invited["rooms"]["invite"].HasMember(room.c_str())) << json::toString(invited);
  bool flagged = false;
  for (const auto& e : invited["rooms"]["invite"][room.c_str()]["invite_state"]["events"].GetArray()) {
    flagged = flagged || (std::string(e["type"].GetString()) == "m.room.member" && e["state_key"].GetString() == bob() &&
                          e["content"].HasMember("is_direct") && e["content"]["is_direct"].GetBool());
  }
  EXPECT_TRUE(flagged);
  ASSERT_EQ(hs2_->post(kV3 + "/join/" + enc(room), "{}", bob_).status, 200);
  const auto direct = hs2_->get(kV3 + "/user/" + enc(bob()) + "/account_data/m.direct", bob_);
  ASSERT_EQ(direct.status, 200) << direct.body;
  const auto doc = direct.json();
  ASSERT_TRUE(doc.HasMember(alice().c_str())) << direct.body;
  EXPECT_EQ(std::string(doc[alice().c_str()][0].GetString()), room);
  sendText(*hs2_, bob_, room, "just us");
  EXPECT_TRUE(seesMessage(*hs1_, alice_, room, "just us"));
  EXPECT_EQ(stateIds(*hs1_, alice_, room), stateIds(*hs2_, bob_, room));
}

}  // namespace
}  // namespace hs::test
