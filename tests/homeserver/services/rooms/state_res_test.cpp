// State resolution v2 on constructed forks. The first group re-creates the scenarios of
// Synapse's tests/state/test_v2.py (same graphs, same expected answers) as a cross-check; the
// second group covers the races this server must get right.
#include "homeserver/services/rooms/state_res.h"

#include <gtest/gtest.h>

#include "dag_builder.h"

namespace hs::rooms {
namespace {

using test::Dag;
using test::kAlice;
using test::kBob;
using test::kCharlie;
using test::kEvelyn;
using test::kZara;
using test::memberNode;
using test::messageNode;
using test::Node;
using test::stateNode;

const std::string kPowerLevels = "m.room.power_levels";
const std::string kTopic = "m.room.topic";
const std::string kName = "m.room.name";
const std::string kAliceBob50 = R"({"users":{"@alice:example.com":100,"@bob:example.com":50}})";

Node topic(std::string name, std::string sender) {
  return stateNode(std::move(name), std::move(sender), kTopic, "{}");
}

class StateResSynapseCases : public ::testing::TestWithParam<std::string> {
 protected:
  Dag dag_{GetParam()};
};

TEST_P(StateResSynapseCases, BanVersusPowerLevels) {
  dag_.build(
      {stateNode("PA", kAlice, kPowerLevels, kAliceBob50), memberNode("MA", kAlice, kAlice, "join"),
       memberNode("MB", kAlice, kBob, "ban"), stateNode("PB", kBob, kPowerLevels, kAliceBob50)},
      {{"END", "MB", "MA", "PA", "START"}, {"END", "PB", "PA"}});
  dag_.expectEndState({"PA", "MA", "MB"});
}

TEST_P(StateResSynapseCases, JoinRuleEvasion) {
  dag_.build({stateNode("JR", kAlice, "m.room.join_rules", R"({"join_rules":"private"})"),
              memberNode("ME", kEvelyn, kEvelyn, "join")},
             {{"END", "JR", "START"}, {"END", "ME", "START"}});
  dag_.expectEndState({"JR"});
}

TEST_P(StateResSynapseCases, OffTopicPowerLevels) {
  dag_.build(
      {stateNode("PA", kAlice, kPowerLevels, kAliceBob50),
       stateNode(
           "PB", kBob, kPowerLevels,
           R"({"users":{"@alice:example.com":100,"@bob:example.com":50,"@charlie:example.com":50}})"),
       stateNode(
           "PC", kCharlie, kPowerLevels,
           R"({"users":{"@alice:example.com":100,"@bob:example.com":50,"@charlie:example.com":0}})")},
      {{"END", "PC", "PB", "PA", "START"}, {"END", "PA"}});
  dag_.expectEndState({"PC"});
}

TEST_P(StateResSynapseCases, TopicBasic) {
  dag_.build({topic("T1", kAlice), stateNode("PA1", kAlice, kPowerLevels, kAliceBob50),
              topic("T2", kAlice),
              stateNode("PA2", kAlice, kPowerLevels,
                        R"({"users":{"@alice:example.com":100,"@bob:example.com":0}})"),
              stateNode("PB", kBob, kPowerLevels, kAliceBob50), topic("T3", kBob)},
             {{"END", "PA2", "T2", "PA1", "T1", "START"}, {"END", "T3", "PB", "PA1"}});
  dag_.expectEndState({"PA2", "T2"});
}

TEST_P(StateResSynapseCases, TopicReset) {
  dag_.build({topic("T1", kAlice), stateNode("PA", kAlice, kPowerLevels, kAliceBob50),
              topic("T2", kBob), memberNode("MB", kAlice, kBob, "ban")},
             {{"END", "MB", "T2", "PA", "T1", "START"}, {"END", "T1"}});
  dag_.expectEndState({"T1", "MB", "PA"});
}

TEST_P(StateResSynapseCases, Topic) {
  dag_.build(
      {topic("T1", kAlice), stateNode("PA1", kAlice, kPowerLevels, kAliceBob50),
       topic("T2", kAlice),
       stateNode("PA2", kAlice, kPowerLevels,
                 R"({"users":{"@alice:example.com":100,"@bob:example.com":0}})"),
       stateNode("PB", kBob, kPowerLevels, kAliceBob50), topic("T3", kBob),
       messageNode("MZ1", kZara), topic("T4", kAlice)},
      {{"END", "T4", "MZ1", "PA2", "T2", "PA1", "T1", "START"}, {"END", "MZ1", "T3", "PB", "PA1"}});
  dag_.expectEndState({"T4", "PA2"});
}

TEST_P(StateResSynapseCases, MainlineSort) {
  dag_.build(
      {topic("T1", kAlice), stateNode("PA1", kAlice, kPowerLevels, kAliceBob50),
       topic("T2", kAlice),
       stateNode("PA2", kAlice, kPowerLevels,
                 R"({"users":{"@alice:example.com":100,"@bob:example.com":50},)"
                 R"("events":{"m.room.power_levels":100}})"),
       stateNode("PB", kBob, kPowerLevels, kAliceBob50), topic("T3", kBob), topic("T4", kAlice)},
      {{"END", "T3", "PA2", "T2", "PA1", "T1", "START"}, {"END", "T4", "PB", "PA1"}});
  // T4 is newer, but it rests on older power levels than T3 does.
  dag_.expectEndState({"T3", "PA2"});
}

INSTANTIATE_TEST_SUITE_P(StateResRoomVersions, StateResSynapseCases, ::testing::Values("10", "11"));

// ---- Races this server must resolve the same way as every other ----

TEST(StateRes, BanBeatsConcurrentJoinWhateverTheTimestamps) {
  struct Case {
    std::string ban;
    std::string join;
    bool ban_is_older;  // nodes are created (and timestamped) in name order
  };
  for (const Case& c : {Case{"BAN", "JOIN", true}, Case{"ZBAN", "AJOIN", false}}) {
    Dag dag;
    dag.build(
        {memberNode(c.ban, kAlice, kEvelyn, "ban"), memberNode(c.join, kEvelyn, kEvelyn, "join")},
        {{"END", c.ban, "START"}, {"END", c.join, "START"}});
    EXPECT_EQ(dag.event(c.ban).origin_server_ts < dag.event(c.join).origin_server_ts,
              c.ban_is_older);
    EXPECT_EQ(dag.stateAfter(c.join).at({"m.room.member", kEvelyn}), Dag::eventId(c.join));
    EXPECT_EQ(dag.stateAfter("END").at({"m.room.member", kEvelyn}), Dag::eventId(c.ban)) << c.ban;
  }
}

TEST(StateRes, KickBeatsConcurrentStateFromKickedUser) {
  Dag dag;
  dag.build({stateNode("PA", kAlice, kPowerLevels, kAliceBob50),
             memberNode("KICK", kAlice, kBob, "leave"), topic("TB", kBob)},
            {{"END", "KICK", "PA", "START"}, {"END", "TB", "PA"}});
  dag.expectEndState({"PA", "KICK"});  // Bob's topic fails: he is no longer joined
}

TEST(StateRes, HigherPowerLevelsChangeAppliesFirst) {
  // Alice demotes Bob on one branch while Bob promotes Charlie on the other. Alice's change
  // sorts first (more power), after which Bob's no longer passes.
  Dag dag;
  dag.build(
      {stateNode("PA", kAlice, kPowerLevels, kAliceBob50),
       stateNode("ADEMOTE", kAlice, kPowerLevels,
                 R"({"users":{"@alice:example.com":100,"@bob:example.com":0}})"),
       stateNode(
           "BPROMOTE", kBob, kPowerLevels,
           R"({"users":{"@alice:example.com":100,"@bob:example.com":50,"@charlie:example.com":50}})")},
      {{"END", "ADEMOTE", "PA", "START"}, {"END", "BPROMOTE", "PA"}});
  dag.expectEndState({"ADEMOTE"});
}

TEST(StateRes, PowerLevelsFromHigherPowerSortBeforeNewerLowerPowerOnes) {
  // Alice (100) lowers the ban level; Bob (50), earlier, promotes Charlie. Alice's change
  // sorts first for her power despite being newer; Bob's still passes on top of it (every
  // value it touches is within his reach), so, applied last, it wins.
  Dag dag;
  Node alice_change =
      stateNode("ALICEBAN", kAlice, kPowerLevels,
                R"({"users":{"@alice:example.com":100,"@bob:example.com":50},"ban":40})");
  Node bob_change = stateNode(
      "BOBPROMOTE", kBob, kPowerLevels,
      R"({"users":{"@alice:example.com":100,"@bob:example.com":50,"@charlie:example.com":50}})");
  alice_change.ts = 9000;
  bob_change.ts = 8000;
  dag.build({stateNode("PA", kAlice, kPowerLevels, kAliceBob50), alice_change, bob_change},
            {{"END", "ALICEBAN", "PA", "START"}, {"END", "BOBPROMOTE", "PA"}});
  dag.expectEndState({"BOBPROMOTE"});
}

TEST(StateRes, TopicByUserWhosePowerWasRevokedOnOtherBranch) {
  Dag dag;
  dag.build({stateNode("PA", kAlice, kPowerLevels, kAliceBob50),
             stateNode("REVOKE", kAlice, kPowerLevels,
                       R"({"users":{"@alice:example.com":100,"@bob:example.com":0}})"),
             topic("TBOB", kBob)},
            {{"END", "REVOKE", "PA", "START"}, {"END", "TBOB", "PA"}});
  EXPECT_EQ(dag.stateAfter("TBOB").count({kTopic, ""}), 1u);  // valid where it was sent
  dag.expectEndState({"REVOKE"});
  EXPECT_EQ(dag.stateAfter("END").count({kTopic, ""}), 0u);
}

TEST(StateRes, ConflictingNamesLaterTimestampWins) {
  Dag dag;
  Node bob_name = stateNode("NAMEB", kBob, kName, R"({"name":"b"})");
  Node alice_name = stateNode("NAMEA", kAlice, kName, R"({"name":"a"})");
  bob_name.ts = 5000;  // later than Alice's, despite Alice's higher power
  alice_name.ts = 4000;
  dag.build({stateNode("PA", kAlice, kPowerLevels, kAliceBob50), alice_name, bob_name},
            {{"END", "NAMEA", "PA", "START"}, {"END", "NAMEB", "PA"}});
  dag.expectEndState({"PA", "NAMEB"});
}

TEST(StateRes, ConflictingNamesSameTimestampLargerEventIdWins) {
  Dag dag;
  Node first = stateNode("NAMEX", kBob, kName, R"({"name":"x"})");
  Node second = stateNode("NAMEY", kAlice, kName, R"({"name":"y"})");
  first.ts = second.ts = 5000;
  dag.build({stateNode("PA", kAlice, kPowerLevels, kAliceBob50), first, second},
            {{"END", "NAMEX", "PA", "START"}, {"END", "NAMEY", "PA"}});
  dag.expectEndState({"PA", "NAMEY"});  // "$NAMEY…" sorts after "$NAMEX…", so it is applied last
}

TEST(StateRes, ConcurrentJoinsOfDifferentUsersBothStay) {
  Dag dag;
  dag.build({memberNode("JE", kEvelyn, kEvelyn, "join"),
             memberNode("JD", "@dave:example.com", "@dave:example.com", "join")},
            {{"END", "JE", "START"}, {"END", "JD", "START"}});
  dag.expectEndState({"JE", "JD"});
}

}  // namespace
}  // namespace hs::rooms
