// The building blocks of state resolution v2: power events, auth chains, the two orderings
// and the iterative auth checks, each on a small hand-made graph.
#include <gtest/gtest.h>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/state_res.h"
#include "room_builder.h"

namespace hs::rooms {
namespace {

using test::EventBuilder;
using test::kAlice;
using test::kBob;
using test::kCharlie;
using test::member;
using test::stateEvent;
using test::TestRoom;

const RoomVersionRules& v11() { return *findRoomVersion("11"); }

// Events by ID, built from explicit auth_events and timestamps.
class Graph {
 public:
  const Event& add(const std::string& id, const std::string& sender, std::vector<std::string> auth,
                   int64_t ts, const std::string& type = "x.test", std::string content = "{}") {
    EventBuilder b(type, sender);
    b.id(id).stateKey(type == "m.room.create" ? "" : id).content(std::move(content));
    b.auth(std::move(auth)).ts(ts);
    return events_.insert_or_assign(id, b.build()).first->second;
  }
  const Event& addPowerLevels(const std::string& id, std::vector<std::string> auth, int64_t ts) {
    EventBuilder b("m.room.power_levels", kAlice);
    b.id(id).stateKey("").content(kLevels).auth(std::move(auth)).ts(ts);
    return events_.insert_or_assign(id, b.build()).first->second;
  }
  EventFetch fetch() const {
    return [this](const std::string& id) -> const Event* {
      const auto it = events_.find(id);
      return it == events_.end() ? nullptr : &it->second;
    };
  }

 private:
  static constexpr const char* kLevels =
      R"({"users":{"@alice:example.com":100,"@bob:example.com":50,"@charlie:example.com":50}})";
  std::map<std::string, Event> events_;
};

TEST(StateResParts, PowerEventsAreLevelsJoinRulesKicksAndBans) {
  const auto is_power = [](EventBuilder b) { return isPowerEvent(b.id("$x").build()); };
  EXPECT_TRUE(is_power(stateEvent(kAlice, "m.room.power_levels", "", "{}")));
  EXPECT_TRUE(is_power(stateEvent(kAlice, "m.room.join_rules", "", "{}")));
  EXPECT_TRUE(is_power(member(kAlice, kBob, "leave")));
  EXPECT_TRUE(is_power(member(kAlice, kBob, "ban")));
  EXPECT_FALSE(is_power(member(kBob, kBob, "leave")));
  EXPECT_FALSE(is_power(member(kBob, kBob, "join")));
  EXPECT_FALSE(is_power(member(kAlice, kBob, "invite")));
  EXPECT_FALSE(is_power(stateEvent(kAlice, "m.room.topic", "", "{}")));
  EXPECT_FALSE(is_power(EventBuilder("m.room.power_levels", kAlice)));  // not a state event
}

TEST(StateResParts, AuthChainFollowsAuthEventsButExcludesTheStart) {
  TestRoom room = TestRoom::standard();
  const Event e = room.complete(test::message(kAlice));
  const auto chain = authChainOf({e.event_id}, [&](const std::string& id) -> const Event* {
    return id == e.event_id ? &e : room.get(id);
  });
  const std::set<std::string> want{room.current("m.room.create", "").event_id,
                                   room.current("m.room.member", kAlice).event_id,
                                   room.current("m.room.power_levels", "").event_id};
  EXPECT_EQ(chain, want);  // not the join rules: a message does not cite them
}

TEST(StateResParts, MissingEventIsReportedByItsId) {
  TestRoom room = TestRoom::standard();
  const std::string create = room.current("m.room.create", "").event_id;
  const std::string pl = room.current("m.room.power_levels", "").event_id;
  try {
    authChainOf({pl}, [&](const std::string& id) { return id == create ? nullptr : room.get(id); });
    FAIL() << "no MissingEventError";
  } catch (const MissingEventError& e) {
    EXPECT_EQ(e.eventId(), create);
  }
}

TEST(StateResParts, ReverseTopologicalOrderIsParentsThenPowerThenTimeThenId) {
  Graph g;
  g.add("$c", kAlice, {}, 0, "m.room.create");
  g.addPowerLevels("$p", {"$c"}, 1);
  g.add("$x1", kBob, {"$c", "$p"}, 10);
  g.add("$x2", kAlice, {"$c", "$p"}, 20);
  g.add("$x3", kCharlie, {"$c", "$p"}, 10);
  g.add("$x4", kCharlie, {"$c", "$p"}, 10);
  g.add("$y", kBob, {"$c", "$p", "$x1"}, 1);  // oldest, but must follow its parent $x1
  const auto order =
      sortByReverseTopologicalPower({"$p", "$x1", "$x2", "$x3", "$x4", "$y"}, v11(), g.fetch());
  EXPECT_EQ(order, (std::vector<std::string>{"$p", "$x2", "$x1", "$y", "$x3", "$x4"}));
}

TEST(StateResParts, ReverseTopologicalOrderWithoutPowerLevelsFavoursCreator) {
  Graph g;
  g.add("$c", kAlice, {}, 0, "m.room.create");
  g.add("$b", kBob, {"$c"}, 1);
  g.add("$a", kAlice, {"$c"}, 2);  // newer, but the creator has 100 without power levels
  EXPECT_EQ(sortByReverseTopologicalPower({"$a", "$b"}, v11(), g.fetch()),
            (std::vector<std::string>{"$a", "$b"}));
}

TEST(StateResParts, MainlineOrderPutsOlderPowerLevelsFirst) {
  Graph g;
  g.add("$c", kAlice, {}, 0, "m.room.create");
  g.addPowerLevels("$p1", {"$c"}, 1);
  g.addPowerLevels("$p2", {"$c", "$p1"}, 2);
  g.addPowerLevels("$p3", {"$c", "$p2"}, 3);
  g.addPowerLevels("$fork", {"$c", "$p1"}, 4);  // off the mainline, rests on $p1
  g.add("$a", kAlice, {"$c", "$p3"}, 11);
  g.add("$b", kAlice, {"$c", "$p1"}, 15);
  g.add("$d", kAlice, {"$c", "$p2"}, 13);
  g.add("$e", kAlice, {"$c"}, 19);
  g.add("$f", kAlice, {"$c", "$p3"}, 10);
  g.add("$g", kAlice, {"$c", "$fork"}, 12);
  const auto order = sortByMainline({"$a", "$b", "$d", "$e", "$f", "$g"}, "$p3", g.fetch());
  // Positions: $e none (∞), $b and $g 2 (via $fork), $d 1, $a and $f 0.
  EXPECT_EQ(order, (std::vector<std::string>{"$e", "$g", "$b", "$d", "$f", "$a"}));
}

TEST(StateResParts, MainlineOrderWithoutPowerLevelsIsByTimeThenId) {
  Graph g;
  g.add("$c", kAlice, {}, 0, "m.room.create");
  g.addPowerLevels("$p1", {"$c"}, 1);
  g.add("$b", kAlice, {"$c", "$p1"}, 5);
  g.add("$a", kAlice, {"$c"}, 5);
  g.add("$z", kAlice, {"$c", "$p1"}, 4);
  EXPECT_EQ(sortByMainline({"$b", "$a", "$z"}, "", g.fetch()),
            (std::vector<std::string>{"$z", "$a", "$b"}));
}

TEST(StateResParts, OneOrIdenticalStateSetsComeBackUnchanged) {
  TestRoom room = TestRoom::standard();
  const auto fetch = [&](const std::string& id) { return room.get(id); };
  EXPECT_EQ(resolveState({room.state()}, "11", fetch), room.state());
  EXPECT_EQ(resolveState({room.state(), room.state()}, "11", fetch), room.state());
  EXPECT_TRUE(resolveState({}, "11", fetch).empty());
}

TEST(StateResParts, UnsupportedRoomVersionThrows) {
  TestRoom room = TestRoom::standard();
  EXPECT_THROW(
      resolveState({room.state(), {}}, "13", [&](const std::string& id) { return room.get(id); }),
      core::MatrixError);
}

class StateResIterative : public ::testing::Test {
 protected:
  void SetUp() override {
    room_.setPowerLevels(R"({"users":{"@alice:example.com":100,"@bob:example.com":50}})");
    room_.join(kBob);
    pl_id_ = room_.current("m.room.power_levels", "").event_id;
    topic_ = room_.complete(stateEvent(kBob, "m.room.topic", "", "{}"));
  }
  StateMap run(const StateMap& start, bool pl_rejected) {
    Event rejected_pl = *room_.get(pl_id_);
    rejected_pl.rejected = true;
    const EventFetch fetch = [&](const std::string& id) -> const Event* {
      if (id == topic_.event_id) {
        return &topic_;
      }
      return id == pl_id_ && pl_rejected ? &rejected_pl : room_.get(id);
    };
    return iterativeAuthChecks(start, {topic_.event_id}, v11(), fetch, {});
  }

  TestRoom room_ = TestRoom::standard();
  std::string pl_id_;
  Event topic_;
};

TEST_F(StateResIterative, AppliesEventsTheirAuthEventsAllow) {
  EXPECT_EQ(run({}, false).at({"m.room.topic", ""}), topic_.event_id);
}

TEST_F(StateResIterative, SkipsRejectedAuthEvents) {
  // Without the power levels that gave Bob 50, only the creator may set state.
  EXPECT_EQ(run({}, true).count({"m.room.topic", ""}), 0u);
}

TEST_F(StateResIterative, PartialStateOverridesAuthEvents) {
  room_.setPowerLevels(R"({"users":{"@alice:example.com":100}})");  // Bob back to 0
  const StateMap start{
      {{"m.room.power_levels", ""}, room_.current("m.room.power_levels", "").event_id}};
  const StateMap after = run(start, false);
  EXPECT_EQ(after.count({"m.room.topic", ""}), 0u);
  EXPECT_EQ(after, start);
}

}  // namespace
}  // namespace hs::rooms
