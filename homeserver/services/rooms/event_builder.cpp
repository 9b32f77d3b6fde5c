#include "homeserver/services/rooms/event_builder.h"

#include <algorithm>

#include "homeserver/core/event_crypto.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/auth_rules.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxPrevEvents = 20;

void addStrings(json::Document& doc, const char* key, const std::vector<std::string>& items) {
  auto& a = doc.GetAllocator();
  json::Value arr(rapidjson::kArrayType);
  for (const auto& s : items) {
    arr.PushBack(json::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a), a);
  }
  doc.AddMember(json::Value(key, a), arr, a);
}

void addString(json::Document& doc, const char* key, const std::string& value) {
  auto& a = doc.GetAllocator();
  doc.AddMember(json::Value(key, a), json::Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), a), a);
}

std::vector<std::string> authEventIds(const EventDraft& d, const std::vector<Event>& state,
                                      const json::Value& content) {
  std::vector<std::string> ids;
  for (const auto& key : authKeysFor(d.type, d.state_key, d.sender, content)) {
    for (const auto& e : state) {
      if (e.type == key.first && e.state_key == key.second) {
        ids.push_back(e.event_id);
      }
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

// The relations fields clients and aggregations need, from content.m.relates_to.
void fillRelation(NewEvent& n) {
  const json::Value* rel = json::member(n.event.content(), "m.relates_to");
  if (rel == nullptr || !rel->IsObject()) {
    return;
  }
  const json::Value* id = json::member(*rel, "event_id");
  const json::Value* type = json::member(*rel, "rel_type");
  if (id != nullptr && id->IsString() && type != nullptr && type->IsString()) {
    n.relates_to = id->GetString();
    n.rel_type = type->GetString();
    const json::Value* key = json::member(*rel, "key");
    if (key != nullptr && key->IsString()) {
      n.rel_key = key->GetString();
    }
  }
}
}  // namespace

std::string clientJsonOf(const json::Value& pdu) {
  json::Writer w;
  w.startObject();
  for (const char* key : {"content", "event_id", "origin_server_ts", "room_id", "sender",
                          "state_key", "type", "redacts"}) {
    if (const json::Value* v = json::member(pdu, key)) {
      w.key(key).value(*v);
    }
  }
  // Room v11 moved `redacts` into content; clients written for earlier versions (matrix-nio,
  // matrix-js-sdk) still read the top-level key, so the client format carries both.
  const json::Value* content = json::member(pdu, "content");
  const json::Value* redacts = content ? json::member(*content, "redacts") : nullptr;
  if (!json::member(pdu, "redacts") && redacts && redacts->IsString()) {
    const json::Value* type = json::member(pdu, "type");
    if (type && type->IsString() && std::string_view(type->GetString()) == kRedaction) {
      w.key("redacts").value(*redacts);
    }
  }
  w.endObject();
  return w.take();
}

NewEvent buildEvent(const EventDraft& d, const BuildContext& ctx) {
  auto parsed = json::tryParse(d.content_json);
  if (!parsed || !parsed->IsObject()) {
    throw MatrixError(ErrCode::BadJson, "Event content must be a JSON object");
  }
  const json::Document content = std::move(*parsed);
  json::Document pdu(rapidjson::kObjectType);
  auto& a = pdu.GetAllocator();
  const auto auth_ids = authEventIds(d, ctx.auth_state, content);
  std::vector<std::string> prev_ids;
  int64_t depth = 0;
  for (const auto& [id, ext_depth] : ctx.extremities) {
    if (prev_ids.size() < kMaxPrevEvents) {
      prev_ids.push_back(id);
    }
    depth = std::max(depth, ext_depth);
  }
  addStrings(pdu, "auth_events", auth_ids);
  pdu.AddMember("content", json::Value(content, a), a);
  pdu.AddMember("depth", depth + 1, a);
  pdu.AddMember("origin_server_ts", ctx.now_ms, a);
  addStrings(pdu, "prev_events", prev_ids);
  addString(pdu, "room_id", ctx.room.room_id);
  addString(pdu, "sender", d.sender);
  addString(pdu, "type", d.type);
  if (d.state_key) {
    addString(pdu, "state_key", *d.state_key);
  }
  if (d.redacts && ctx.room.room_version == "10") {
    addString(pdu, "redacts", *d.redacts);  // v11 keeps it in content only
  }
  core::addContentHash(pdu);
  core::signEvent(pdu, ctx.server_name, ctx.key, ctx.room.room_version);
  const std::string event_id = core::eventIdFor(pdu, ctx.room.room_version);
  NewEvent n;
  n.pdu_json = json::toString(pdu);
  {
    json::Document with_id;
    with_id.CopyFrom(pdu, with_id.GetAllocator());
    with_id.AddMember("event_id", json::Value(event_id.c_str(), with_id.GetAllocator()), with_id.GetAllocator());
    n.client_json = clientJsonOf(with_id);
  }
  n.event = parseEvent(std::move(pdu), event_id, ctx.room.room_version);
  fillRelation(n);
  return n;
}

}  // namespace hs::rooms
