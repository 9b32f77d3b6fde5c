#pragma once
// Test builders for the room event graph: EventBuilder writes a PDU as JSON and parses it with
// parseEvent (so every test also runs the parser); TestRoom keeps a linear room's state and
// checks or applies new events against it.
#include <gtest/gtest.h>

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/json.h"
#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/event.h"

namespace hs::rooms::test {

inline const std::string kRoomId = "!room:example.com";
inline const std::string kAlice = "@alice:example.com";
inline const std::string kBob = "@bob:example.com";
inline const std::string kCharlie = "@charlie:example.com";
inline const std::string kEve = "@eve:other.org";

class EventBuilder {
 public:
  EventBuilder(std::string type, std::string sender)
      : type_(std::move(type)), sender_(std::move(sender)) {}

  EventBuilder& id(std::string v) {
    id_ = std::move(v);
    return *this;
  }
  EventBuilder& stateKey(std::string v) {
    state_key_ = std::move(v);
    return *this;
  }
  EventBuilder& content(std::string json_text) {
    content_ = std::move(json_text);
    return *this;
  }
  EventBuilder& room(std::string v) {
    room_id_ = std::move(v);
    return *this;
  }
  // No room_id at all (a room v12 create event).
  EventBuilder& noRoom() {
    room_id_.clear();
    return *this;
  }
  EventBuilder& prev(std::vector<std::string> v) {
    prev_ = std::move(v);
    prev_set_ = true;
    return *this;
  }
  EventBuilder& auth(std::vector<std::string> v) {
    auth_ = std::move(v);
    auth_set_ = true;
    return *this;
  }
  EventBuilder& ts(int64_t v) {
    ts_ = v;
    return *this;
  }
  EventBuilder& depth(int64_t v) {
    depth_ = v;
    return *this;
  }
  // One more server signing the event (the sender's server always does).
  EventBuilder& signedBy(std::string server) {
    signers_.push_back(std::move(server));
    return *this;
  }
  // An extra top-level member, given as JSON text (e.g. "redacts", "\"$x\"").
  EventBuilder& top(std::string key, std::string json_value) {
    extra_.emplace_back(std::move(key), std::move(json_value));
    return *this;
  }

  const std::string& type() const { return type_; }
  const std::string& sender() const { return sender_; }
  const std::optional<std::string>& stateKey() const { return state_key_; }
  const std::string& contentText() const { return content_; }
  bool hasPrev() const { return prev_set_; }
  bool hasAuth() const { return auth_set_; }
  bool hasId() const { return !id_.empty(); }
  int64_t tsValue() const { return ts_; }

  // `pairs`: rooms v1 and v2 cite events as [id, {hashes}].
  std::string toJson(bool pairs = false) const {
    json::Writer w;
    w.startObject();
    if (!room_id_.empty()) {
      w.key("room_id").string(room_id_);
    }
    w.key("sender").string(sender_);
    w.key("type").string(type_);
    if (state_key_) {
      w.key("state_key").string(*state_key_);
    }
    w.key("content").raw(content_).key("origin_server_ts").integer(ts_);
    w.key("depth").integer(depth_);
    list(w, "prev_events", prev_, pairs);
    list(w, "auth_events", auth_, pairs);
    w.key("hashes").startObject().key("sha256").string("aGFzaA").endObject();
    w.key("signatures").startObject();
    signature(w, std::string(domainOf(sender_)));
    for (const auto& s : signers_) {
      if (s != domainOf(sender_)) {
        signature(w, s);
      }
    }
    w.endObject();
    for (const auto& [k, v] : extra_) {
      w.key(k).raw(v);
    }
    return w.endObject().take();
  }

  Event build(std::string_view room_version = "11") const {
    const bool pairs = findRoomVersion(room_version) &&
                       findRoomVersion(room_version)->event_format == EventFormat::kV1;
    return parseEvent(toJson(pairs), id_, room_version);
  }

 private:
  static void signature(json::Writer& w, const std::string& server) {
    w.key(server).startObject().key("ed25519:a").string("c2ln").endObject();
  }
  static void list(json::Writer& w, const char* key, const std::vector<std::string>& ids, bool pairs) {
    w.key(key).startArray();
    for (const auto& id : ids) {
      if (pairs) {
        w.startArray().string(id).startObject().endObject().endArray();
      } else {
        w.string(id);
      }
    }
    w.endArray();
  }

  std::string id_;
  std::string type_;
  std::string sender_;
  std::optional<std::string> state_key_;
  std::string content_ = "{}";
  std::string room_id_ = kRoomId;
  std::vector<std::string> prev_;
  std::vector<std::string> auth_;
  bool prev_set_ = false;
  bool auth_set_ = false;
  int64_t ts_ = 0;
  int64_t depth_ = 1;
  std::vector<std::string> signers_;
  std::vector<std::pair<std::string, std::string>> extra_;
};

inline EventBuilder stateEvent(std::string sender, std::string type, std::string state_key,
                               std::string content) {
  EventBuilder b(std::move(type), std::move(sender));
  b.stateKey(std::move(state_key)).content(std::move(content));
  return b;
}

inline EventBuilder member(std::string sender, std::string target, const std::string& membership) {
  return stateEvent(std::move(sender), "m.room.member", std::move(target),
                    R"({"membership":")" + membership + R"("})");
}

inline EventBuilder memberWith(std::string sender, std::string target, std::string content) {
  return stateEvent(std::move(sender), "m.room.member", std::move(target), std::move(content));
}

inline EventBuilder message(std::string sender) {
  EventBuilder b("m.room.message", std::move(sender));
  b.content(R"({"msgtype":"m.text","body":"hi"})");
  return b;
}

// A linear room: every new event follows the previous one and cites the current state.
class TestRoom {
 public:
  // Only the create event (sent by Alice). `extra_create` adds members to its content, as
  // JSON text without braces (e.g. "\"m.federate\":false").
  static TestRoom bare(std::string version = "11", const std::string& extra_create = "") {
    TestRoom room(std::move(version));
    const RoomVersionRules& rules = *findRoomVersion(room.version_);
    std::string content = R"({"room_version":")" + room.version_ + "\"";
    if (!rules.creator_is_sender) {
      content += R"(,"creator":")" + kAlice + "\"";
    }
    if (!extra_create.empty()) {
      content += "," + extra_create;
    }
    auto create = stateEvent(kAlice, "m.room.create", "", content + "}");
    if (rules.room_id_is_create_hash) {  // v12: the room ID is the create event's ID
      create.noRoom().id("$create");
      room.room_id_ = "!create";
    }
    room.force(std::move(create));
    return room;
  }
  // Create, Alice's join, power levels {alice: 100} and the given join rule.
  static TestRoom standard(const std::string& join_rule = "public", std::string version = "11",
                           const std::string& extra_create = "") {
    TestRoom room = bare(std::move(version), extra_create);
    room.mustSend(member(kAlice, kAlice, "join"));
    // Room v12 creators are infinitely powerful and may not be listed.
    const bool v12 = findRoomVersion(room.version_)->creators_infinitely_powerful;
    room.mustSend(stateEvent(kAlice, "m.room.power_levels", "",
                             v12 ? "{}" : R"({"users":{")" + kAlice + R"(":100}})"));
    room.mustSend(
        stateEvent(kAlice, "m.room.join_rules", "", R"({"join_rule":")" + join_rule + R"("})"));
    return room;
  }

  // Fills in what the builder left out (ID, prev/auth events, ts, depth) and parses it.
  Event complete(EventBuilder b) {
    if (!b.hasId()) {
      b.id("$e" + std::to_string(++counter_) + ":example.com");
    }
    if (!b.hasPrev()) {
      b.prev(last_.empty() ? std::vector<std::string>{} : std::vector<std::string>{last_});
    }
    if (!b.hasAuth()) {
      const auto content = json::parseObject(b.contentText());
      b.auth(authEventsFor(b.type(), b.stateKey(), b.sender(), content, state_,
                           *findRoomVersion(version_)));
    }
    if (!room_id_.empty() && b.type() != "m.room.create") {
      b.room(room_id_);
    }
    b.ts(b.tsValue() != 0 ? b.tsValue() : ++clock_).depth(++depth_);
    return b.build(version_);
  }
  // The verdict on `b` against the current state, without applying it.
  AuthResult check(EventBuilder b, const AuthHooks& hooks = {}) {
    const Event e = complete(std::move(b));
    return authCheck(e, lookup(), version_, hooks);
  }
  // Checks and applies when allowed.
  AuthResult send(EventBuilder b, const AuthHooks& hooks = {}) {
    const Event e = complete(std::move(b));
    AuthResult r = authCheck(e, lookup(), version_, hooks);
    if (r.allowed) {
      apply(e);
    }
    return r;
  }
  void mustSend(EventBuilder b) {
    const AuthResult r = send(std::move(b));
    ASSERT_TRUE(r.allowed) << r.reason;
  }
  void join(const std::string& user) { mustSend(member(user, user, "join")); }
  // For rooms that are not public: Alice invites, then the user joins.
  void inviteAndJoin(const std::string& user) {
    mustSend(member(kAlice, user, "invite"));
    join(user);
  }
  // Alice replaces the power levels (she must be allowed to).
  void setPowerLevels(const std::string& content) {
    mustSend(stateEvent(kAlice, "m.room.power_levels", "", content));
  }
  // Applies without checking: for set-ups the rules would refuse.
  const Event& force(EventBuilder b) { return apply(complete(std::move(b))); }

  StateLookup lookup() const {
    return [this](const std::string& type, const std::string& sk) -> const Event* {
      const auto it = state_.find({type, sk});
      return it == state_.end() ? nullptr : &events_.at(it->second);
    };
  }
  const Event* get(const std::string& id) const {
    const auto it = events_.find(id);
    return it == events_.end() ? nullptr : &it->second;
  }
  const Event& current(const std::string& type, const std::string& sk) const {
    return events_.at(state_.at({type, sk}));
  }
  const StateMap& state() const { return state_; }
  const std::string& version() const { return version_; }
  const std::string& lastId() const { return last_; }

 private:
  explicit TestRoom(std::string version) : version_(std::move(version)) {}

  const Event& apply(Event e) {
    last_ = e.event_id;
    state_ = stateAfter(std::move(state_), e);
    return events_.insert_or_assign(e.event_id, std::move(e)).first->second;
  }

  std::string version_;
  std::string room_id_;  // room v12 only: "!" + the create event's ID
  std::map<std::string, Event> events_;  // node-based: pointers into it stay valid
  StateMap state_;
  std::string last_;
  int counter_ = 0;
  int64_t clock_ = 1000;
  int64_t depth_ = 0;
};

}  // namespace hs::rooms::test
