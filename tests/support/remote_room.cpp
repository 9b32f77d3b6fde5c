#include "tests/support/remote_room.h"

#include <algorithm>
#include <set>

#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/state_res.h"

namespace hs::test {

void FakeKeys::add(const std::string& server, const core::SigningKey& key, int64_t valid_until_ts) {
  keys_[server][key.keyId()] = core::VerifyKey{std::string(key.publicKey()), valid_until_ts, std::nullopt};
}

std::optional<core::VerifyKey> FakeKeys::verifyKey(const std::string& server, const std::string& key_id,
                                                   int64_t) {
  const auto it = keys_.find(server);
  if (it == keys_.end() || !it->second.count(key_id)) {
    return std::nullopt;
  }
  return it->second.at(key_id);
}

RemoteRoom::RemoteRoom(std::string version, std::map<std::string, const core::SigningKey*> signers)
    : signers_(std::move(signers)) {
  room_.room_version = std::move(version);
}

rooms::StateMap RemoteRoom::stateBefore(const std::vector<std::string>& prev) const {
  std::vector<rooms::StateMap> sets;
  for (const auto& p : prev) {
    sets.push_back(state_after_.at(p));
  }
  return rooms::resolveState(sets, room_.room_version, [this](const std::string& id) -> const rooms::Event* {
    const auto it = events_.find(id);
    return it == events_.end() ? nullptr : &it->second;
  });
}

BuiltPdu RemoteRoom::create(const std::string& creator, const std::string& extra_content) {
  const auto* rules = rooms::findRoomVersion(room_.room_version);
  std::string content = R"({"room_version":")" + room_.room_version + "\"";
  if (!rules->creator_is_sender) {
    content += R"(,"creator":")" + creator + "\"";
  }
  if (!extra_content.empty()) {
    content += "," + extra_content;
  }
  room_.creator = creator;
  if (!rules->room_id_is_create_hash) {
    room_.room_id = "!room:" + std::string(rooms::domainOf(creator));
  }
  return state(creator, "m.room.create", "", content + "}", std::vector<std::string>{});
}

BuiltPdu RemoteRoom::send(const rooms::EventDraft& draft, std::optional<std::vector<std::string>> prev,
                          std::optional<int64_t> ts) {
  const auto* rules = rooms::findRoomVersion(room_.room_version);
  const std::vector<std::string> prevs = prev.value_or(last_.empty() ? std::vector<std::string>{}
                                                                     : std::vector<std::string>{last_});
  const rooms::StateMap before = stateBefore(prevs);
  const auto content = json::parseObject(draft.content_json);
  std::vector<rooms::Event> auth_state;
  for (const auto& key : rooms::authKeysFor(draft.type, draft.state_key, draft.sender, content, *rules)) {
    if (auto it = before.find(key); it != before.end()) {
      auth_state.push_back(events_.at(it->second));
    }
  }
  std::vector<std::pair<std::string, int64_t>> extremities;
  std::vector<rooms::Event> prev_events;
  for (const auto& p : prevs) {
    extremities.emplace_back(p, events_.at(p).depth);
    prev_events.push_back(events_.at(p));
  }
  const std::string server(rooms::domainOf(draft.sender));
  clock_ = ts.value_or(clock_ + 1);
  rooms::NewEvent n = rooms::buildEvent(
      draft, rooms::BuildContext{room_, auth_state, extremities, server, *signers_.at(server), clock_, &prev_events});
  if (room_.room_id.empty()) {
    room_.room_id = n.event.room_id;  // room v12: the create event names the room
  }
  const std::string id = n.event.event_id;
  state_after_[id] = rooms::stateAfter(before, n.event);
  json_[id] = n.pdu_json;
  events_.emplace(id, std::move(n.event));
  last_ = id;
  return BuiltPdu{json_[id], id};
}

BuiltPdu RemoteRoom::state(const std::string& sender, const std::string& type, const std::string& key,
                           const std::string& content, std::optional<std::vector<std::string>> prev) {
  return send(rooms::EventDraft{sender, type, key, content, std::nullopt}, std::move(prev));
}

BuiltPdu RemoteRoom::member(const std::string& sender, const std::string& target,
                            const std::string& membership, std::optional<std::vector<std::string>> prev) {
  return state(sender, "m.room.member", target, R"({"membership":")" + membership + "\"}", std::move(prev));
}

BuiltPdu RemoteRoom::message(const std::string& sender, const std::string& body,
                             std::optional<std::vector<std::string>> prev) {
  json::Writer w;
  w.startObject().key("msgtype").string("m.text").key("body").string(body).endObject();
  return send(rooms::EventDraft{sender, "m.room.message", std::nullopt, w.take(), std::nullopt}, std::move(prev));
}

std::vector<std::string> RemoteRoom::statePdus(const std::string& id) const {
  std::vector<std::string> out;
  for (const auto& [key, event_id] : state_after_.at(id)) {
    out.push_back(json_.at(event_id));
  }
  return out;
}

std::vector<std::string> RemoteRoom::authChainPdus(const std::string& id) const {
  std::set<std::string> seen;
  std::vector<std::string> todo;
  for (const auto& [key, event_id] : state_after_.at(id)) {
    todo.push_back(event_id);
  }
  std::vector<std::string> out;
  while (!todo.empty()) {
    const std::string next = todo.back();
    todo.pop_back();
    for (const auto& aid : events_.at(next).auth_events) {
      if (seen.insert(aid).second) {
        out.push_back(json_.at(aid));
        todo.push_back(aid);
      }
    }
  }
  return out;
}

std::string tamperBody(const std::string& pdu_json, const std::string& body) {
  auto doc = json::parseObject(pdu_json);
  doc["content"]["body"].SetString(body.c_str(), static_cast<rapidjson::SizeType>(body.size()),
                                   doc.GetAllocator());
  return json::toString(doc);
}

}  // namespace hs::test
