#pragma once
// A room DAG for state-resolution tests, built the way Synapse's tests/state/test_v2.py builds
// theirs (read to learn, re-written here): a fixed prelude (create, Alice joins, power levels
// {alice: 100}, public join rules, Bob, Charlie and Zara join, then START), then the test's
// events joined by chains of edges such as {"END", "B", "A"} (END follows B, B follows A).
// Events are created in topological order, smallest node name first; each gets the next
// origin_server_ts, cites the auth events selected from the state before it, and the state
// before a merge is the resolution of its parents' states.
#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "homeserver/services/rooms/state_res.h"
#include "room_builder.h"

namespace hs::rooms::test {

inline const std::string kZara = "@zara:example.com";
inline const std::string kEvelyn = "@evelyn:example.com";

struct Node {
  std::string name;
  std::string sender;
  std::string type;
  std::optional<std::string> state_key;
  std::string content = "{}";
  std::optional<int64_t> ts;  // overrides the creation-order timestamp
};

inline Node stateNode(std::string name, std::string sender, std::string type, std::string content,
                      std::string state_key = "") {
  return Node{std::move(name),      std::move(sender),  std::move(type),
              std::move(state_key), std::move(content), std::nullopt};
}
inline Node memberNode(std::string name, std::string sender, std::string target,
                       const std::string& membership) {
  return Node{std::move(name),
              std::move(sender),
              "m.room.member",
              std::move(target),
              R"({"membership":")" + membership + R"("})",
              std::nullopt};
}
inline Node messageNode(std::string name, std::string sender) {
  return Node{std::move(name), std::move(sender), "m.room.message", std::nullopt, "{}",
              std::nullopt};
}

class Dag {
 public:
  explicit Dag(std::string version = "11") : version_(std::move(version)) {}

  static std::string eventId(const std::string& node) { return "$" + node + ":example.com"; }

  void build(const std::vector<Node>& nodes, const std::vector<std::vector<std::string>>& chains) {
    std::vector<Node> all = prelude();
    all.insert(all.end(), nodes.begin(), nodes.end());
    std::map<std::string, std::set<std::string>> parents;
    std::map<std::string, Node> by_name;
    for (const Node& n : all) {
      parents[n.name];
      by_name.emplace(n.name, n);
    }
    addChain(parents, {"START", "IMZ", "IMC", "IMB", "IJR", "IPOWER", "IMA", "CREATE"});
    for (const auto& chain : chains) {
      addChain(parents, chain);
    }
    for (const std::string& name : topologicalOrder(parents)) {
      add(by_name.at(name), parents.at(name));
    }
  }

  const StateMap& stateAfter(const std::string& node) const { return state_after_.at(node); }
  const Event& event(const std::string& node) const { return events_.at(eventId(node)); }
  EventFetch fetch() const {
    return [this](const std::string& id) -> const Event* {
      const auto it = events_.find(id);
      return it == events_.end() ? nullptr : &it->second;
    };
  }
  const std::string& version() const { return version_; }

  // The state at END restricted to the keys that changed since START or are in `expected`,
  // compared with the state keys of the `expected` nodes.
  void expectEndState(const std::vector<std::string>& expected) const {
    StateMap want;
    for (const std::string& node : expected) {
      const Event& e = event(node);
      want[{e.type, *e.state_key}] = e.event_id;
    }
    const StateMap& start = stateAfter("START");
    StateMap got;
    for (const auto& [key, id] : stateAfter("END")) {
      const auto it = start.find(key);
      if (want.count(key) > 0 || it == start.end() || it->second != id) {
        got[key] = id;
      }
    }
    EXPECT_EQ(got, want);
  }

 private:
  std::vector<Node> prelude() const {
    const std::string create =
        R"({"room_version":")" + version_ + R"(","creator":")" + kAlice + "\"}";
    return {stateNode("CREATE", kAlice, "m.room.create", create),
            memberNode("IMA", kAlice, kAlice, "join"),
            stateNode("IPOWER", kAlice, "m.room.power_levels",
                      R"({"users":{")" + kAlice + R"(":100}})"),
            stateNode("IJR", kAlice, "m.room.join_rules", R"({"join_rule":"public"})"),
            memberNode("IMB", kBob, kBob, "join"),
            memberNode("IMC", kCharlie, kCharlie, "join"),
            memberNode("IMZ", kZara, kZara, "join"),
            messageNode("START", kZara),
            messageNode("END", kZara)};
  }

  static void addChain(std::map<std::string, std::set<std::string>>& parents,
                       const std::vector<std::string>& chain) {
    for (size_t i = 0; i + 1 < chain.size(); ++i) {
      parents.at(chain[i]).insert(chain[i + 1]);
    }
  }

  // Parents first; among the ready nodes the smallest name.
  static std::vector<std::string> topologicalOrder(
      const std::map<std::string, std::set<std::string>>& parents) {
    std::vector<std::string> out;
    std::set<std::string> done;
    while (out.size() < parents.size()) {
      for (const auto& [name, ps] : parents) {
        const bool ready =
            done.count(name) == 0 &&
            std::all_of(ps.begin(), ps.end(), [&](const auto& p) { return done.count(p) > 0; });
        if (ready) {
          out.push_back(name);
          done.insert(name);
          break;
        }
      }
    }
    return out;
  }

  StateMap stateBefore(const std::set<std::string>& ps) const {
    std::vector<StateMap> sets;
    for (const std::string& p : ps) {
      sets.push_back(state_after_.at(p));
    }
    return resolveState(sets, version_, fetch());
  }

  void add(const Node& n, const std::set<std::string>& ps) {
    const StateMap before = stateBefore(ps);
    const auto content = json::parseObject(n.content);
    EventBuilder b(n.type, n.sender);
    b.id(eventId(n.name)).content(n.content).ts(n.ts.value_or(++clock_));
    if (n.state_key) {
      b.stateKey(*n.state_key);
    }
    std::vector<std::string> prev;
    for (const std::string& p : ps) {
      prev.push_back(eventId(p));
    }
    b.prev(prev).auth(authEventsFor(n.type, n.state_key, n.sender, content, before));
    Event e = b.build(version_);
    state_after_[n.name] = rooms::stateAfter(before, e);
    events_.emplace(e.event_id, std::move(e));
  }

  std::string version_;
  std::map<std::string, Event> events_;
  std::map<std::string, StateMap> state_after_;
  int64_t clock_ = 0;
};

}  // namespace hs::rooms::test
