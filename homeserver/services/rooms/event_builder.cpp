#include "homeserver/services/rooms/event_builder.h"

#include <algorithm>

#include "homeserver/core/base64.h"
#include "homeserver/core/event_crypto.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/pdu_checks.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxPrevEvents = 20;

json::Value stringValue(const std::string& s, json::Document::AllocatorType& a) {
  return json::Value(s.c_str(), static_cast<rapidjson::SizeType>(s.size()), a);
}

void addStrings(json::Document& doc, const char* key, const std::vector<std::string>& items) {
  auto& a = doc.GetAllocator();
  json::Value arr(rapidjson::kArrayType);
  for (const auto& s : items) {
    arr.PushBack(stringValue(s, a), a);
  }
  doc.AddMember(json::Value(key, a), arr, a);
}

// Rooms v1 and v2: [[event ID, {"sha256": reference hash}], ...] of events we hold.
void addPairs(json::Document& doc, const char* key, const std::vector<std::string>& ids,
              const std::vector<const Event*>& events, const std::string& version) {
  auto& a = doc.GetAllocator();
  json::Value arr(rapidjson::kArrayType);
  for (const auto& id : ids) {
    json::Value hashes(rapidjson::kObjectType);
    for (const Event* e : events) {
      if (e->event_id == id) {
        hashes.AddMember("sha256", stringValue(core::base64Encode(core::referenceHash(*e->json, version)), a), a);
        break;
      }
    }
    json::Value pair(rapidjson::kArrayType);
    pair.PushBack(stringValue(id, a), a).PushBack(hashes, a);
    arr.PushBack(pair, a);
  }
  doc.AddMember(json::Value(key, a), arr, a);
}

void addString(json::Document& doc, const char* key, const std::string& value) {
  auto& a = doc.GetAllocator();
  doc.AddMember(json::Value(key, a), json::Value(value.c_str(), static_cast<rapidjson::SizeType>(value.size()), a), a);
}

std::vector<std::string> authEventIds(const EventDraft& d, const std::vector<Event>& state,
                                      const json::Value& content, const RoomVersionRules& rules) {
  std::vector<std::string> ids;
  for (const auto& key : authKeysFor(d.type, d.state_key, d.sender, content, rules)) {
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

// Rooms v1 and v2 carry the event ID: an opaque local part (derived from the event, so no
// randomness is needed) and our server name.
std::string v1EventId(const json::Document& pdu, const std::string& version, const std::string& server) {
  std::string id = "$";
  id += core::base64UrlEncode(core::referenceHash(pdu, version)).substr(0, 24);
  id += ":";
  id += server;
  return id;
}

void addLists(json::Document& pdu, const EventDraft& d, const BuildContext& ctx,
              const std::vector<std::string>& prev_ids, const RoomVersionRules& rules,
              const json::Value& content) {
  const auto auth_ids = authEventIds(d, ctx.auth_state, content, rules);
  if (rules.event_format != EventFormat::kV1) {
    addStrings(pdu, "auth_events", auth_ids);
    addStrings(pdu, "prev_events", prev_ids);
    return;
  }
  std::vector<const Event*> known;
  for (const auto& e : ctx.auth_state) {
    known.push_back(&e);
  }
  for (const auto& e : ctx.prev_events ? *ctx.prev_events : std::vector<Event>{}) {
    known.push_back(&e);
  }
  addPairs(pdu, "auth_events", auth_ids, known, ctx.room.room_version);
  addPairs(pdu, "prev_events", prev_ids, known, ctx.room.room_version);
}
}  // namespace

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

std::string clientJsonFor(const json::Value& pdu, const std::string& event_id) {
  json::Document doc;
  doc.CopyFrom(pdu, doc.GetAllocator());
  auto& a = doc.GetAllocator();
  if (!json::member(doc, "event_id")) {
    doc.AddMember("event_id", stringValue(event_id, a), a);
  }
  if (!json::member(doc, "room_id")) {  // a room v12 m.room.create: clients expect one
    doc.AddMember("room_id", stringValue("!" + event_id.substr(1), a), a);
  }
  return clientJsonOf(doc);
}

NewEvent buildEvent(const EventDraft& d, const BuildContext& ctx) {
  auto parsed = json::tryParse(d.content_json);
  if (!parsed || !parsed->IsObject()) {
    throw MatrixError(ErrCode::BadJson, "Event content must be a JSON object");
  }
  const json::Document content = std::move(*parsed);
  const RoomVersionRules& rules = *findRoomVersion(ctx.room.room_version);
  json::Document pdu(rapidjson::kObjectType);
  auto& a = pdu.GetAllocator();
  std::vector<std::string> prev_ids;
  int64_t depth = 0;
  for (const auto& [id, ext_depth] : ctx.extremities) {
    if (prev_ids.size() < kMaxPrevEvents) {
      prev_ids.push_back(id);
    }
    depth = std::max(depth, ext_depth);
  }
  addLists(pdu, d, ctx, prev_ids, rules, content);
  pdu.AddMember("content", json::Value(content, a), a);
  pdu.AddMember("depth", depth + 1, a);
  pdu.AddMember("origin_server_ts", ctx.now_ms, a);
  if (!(rules.room_id_is_create_hash && d.type == kCreate)) {
    addString(pdu, "room_id", ctx.room.room_id);
  }
  addString(pdu, "sender", d.sender);
  addString(pdu, "type", d.type);
  if (d.state_key) {
    addString(pdu, "state_key", *d.state_key);
  }
  if (d.redacts && !rules.redacts_in_content) {
    addString(pdu, "redacts", *d.redacts);  // v11 keeps it in content only
  }
  std::string event_id;
  if (rules.event_format == EventFormat::kV1) {
    event_id = v1EventId(pdu, ctx.room.room_version, ctx.server_name);
    addString(pdu, "event_id", event_id);
  }
  core::addContentHash(pdu);
  core::signEvent(pdu, ctx.server_name, ctx.key, ctx.room.room_version);
  if (rules.event_format != EventFormat::kV1) {
    event_id = eventIdOf(pdu, rules);
  }
  NewEvent n;
  n.pdu_json = json::toString(pdu);
  n.client_json = clientJsonFor(pdu, event_id);
  n.event = parseEvent(std::move(pdu), event_id, ctx.room.room_version);
  fillRelation(n);
  return n;
}

}  // namespace hs::rooms
