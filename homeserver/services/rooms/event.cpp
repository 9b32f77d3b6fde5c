#include "homeserver/services/rooms/event.h"

#include <limits>

#include "homeserver/core/ids.h"
#include "homeserver/core/matrix_error.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {

constexpr size_t kMaxIdBytes = 255;  // type, state_key, sender, room_id and event_id alike
constexpr size_t kMaxPrevEvents = 20;
constexpr size_t kMaxAuthEvents = 10;
constexpr int64_t kMaxSafeInt = (int64_t{1} << 53) - 1;  // canonical JSON integer range

[[noreturn]] void bad(std::string_view what) {
  std::string message = "Invalid PDU: ";
  message.append(what);
  throw MatrixError(ErrCode::BadJson, message);
}

// "Invalid PDU: 'key' must ...". Built by appending: GCC 12 warns falsely (-Wrestrict) on
// "literal" + std::string.
[[noreturn]] void badField(std::string_view key, std::string_view must) {
  std::string what = "'";
  what.append(key).append("' ").append(must);
  bad(what);
}

std::string requireId(const json::Value& pdu, std::string_view key) {
  const auto v = stringMember(pdu, key);
  if (!v) {
    badField(key, "must be a string");
  }
  if (v->empty() || v->size() > kMaxIdBytes) {
    badField(key, "must be 1 to 255 bytes");
  }
  if (v->find('\0') != std::string_view::npos) {
    badField(key, "must not contain NUL");  // no database column could hold it
  }
  return std::string(*v);
}

int64_t requireInt(const json::Value& pdu, std::string_view key, int64_t min, int64_t max) {
  const json::Value* v = json::member(pdu, key);
  if (v == nullptr || !v->IsInt64() || v->GetInt64() < min || v->GetInt64() > max) {
    badField(key, "must be an integer in the canonical JSON range");
  }
  return v->GetInt64();
}

// Event IDs, or in rooms v1 and v2 [event ID, {"sha256": hash}] pairs.
std::vector<std::string> requireIdList(const json::Value& pdu, std::string_view key,
                                       std::optional<size_t> limit, bool pairs) {
  const json::Value* v = json::member(pdu, key);
  if (v == nullptr || !v->IsArray()) {
    badField(key, "must be an array of event IDs");
  }
  if (limit && v->Size() > *limit) {
    badField(key, "has more than " + std::to_string(*limit) + " entries");
  }
  std::vector<std::string> out;
  for (const auto& entry : v->GetArray()) {
    const bool pair_ok = pairs && entry.IsArray() && entry.Size() == 2 && entry[1].IsObject();
    if (pairs && !pair_ok) {
      badField(key, "must be an array of [event ID, hashes] pairs");
    }
    const json::Value& item = pairs ? entry[0] : entry;
    if (!item.IsString() || item.GetStringLength() == 0 ||
        std::string_view(item.GetString(), item.GetStringLength()).find('\0') != std::string_view::npos) {
      badField(key, "must be an array of event IDs");
    }
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

// hashes {sha256: string} and signatures {server: {key_id: string}}.
void checkHashesAndSignatures(const json::Value& pdu, bool draft) {
  const json::Value* hashes = json::member(pdu, "hashes");
  if (hashes != nullptr || !draft) {
    if (hashes == nullptr || !hashes->IsObject() || !stringMember(*hashes, "sha256")) {
      bad("'hashes' must be an object with a 'sha256' string");
    }
  }
  const json::Value* sigs = json::member(pdu, "signatures");
  if (sigs == nullptr) {
    if (!draft) {
      bad("'signatures' is missing");
    }
    return;
  }
  if (!sigs->IsObject()) {
    bad("'signatures' must be an object");
  }
  for (const auto& server : sigs->GetObject()) {
    if (!server.value.IsObject()) {
      bad("'signatures' must map servers to objects");
    }
  }
}

std::optional<std::string> readRedacts(const json::Value& pdu, const Event& e,
                                       const RoomVersionRules& rules) {
  if (e.type != kRedaction) {
    return std::nullopt;
  }
  if (rules.redacts_in_content) {
    // Content is free-form in v11: a redaction whose redacts is odd just redacts nothing.
    const auto v = stringMember(e.content(), "redacts");
    return v ? std::optional<std::string>(*v) : std::nullopt;
  }
  const json::Value* v = json::member(pdu, "redacts");
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->IsString()) {
    bad("'redacts' must be an event ID");
  }
  return std::string(v->GetString(), v->GetStringLength());
}

// The room ID: a v12 m.room.create has none (the room ID is derived from its event ID); other
// v12 room IDs are "!" + a hash, earlier ones "!opaque:server".
void fillRoomId(Event& e, const json::Value& pdu, const RoomVersionRules& rules) {
  if (rules.room_id_is_create_hash && e.type == kCreate) {
    if (json::member(pdu, "room_id") != nullptr) {
      bad("a room version 12 m.room.create must not have a 'room_id'");
    }
    e.room_id = "!" + e.event_id.substr(1);
    return;
  }
  e.room_id = requireId(pdu, "room_id");
  if (e.room_id.front() != '!' || (!rules.room_id_is_create_hash && domainOf(e.room_id).empty())) {
    bad("'room_id' must look like !opaque:server");
  }
}

void fillFields(Event& e, const json::Value& pdu, const RoomVersionRules& rules,
                const ParseOptions& options) {
  e.type = requireId(pdu, "type");
  fillRoomId(e, pdu, rules);
  e.sender = requireId(pdu, "sender");
  if (!isValidUserId(e.sender)) {
    bad("'sender' must be a user ID");
  }
  if (const json::Value* sk = json::member(pdu, "state_key"); sk != nullptr) {
    if (!sk->IsString() || sk->GetStringLength() > kMaxIdBytes ||
        std::string_view(sk->GetString(), sk->GetStringLength()).find('\0') != std::string_view::npos) {
      bad("'state_key' must be a string of at most 255 bytes without NUL");
    }
    e.state_key = std::string(sk->GetString(), sk->GetStringLength());
  }
  // Before room v6 events were not held to canonical JSON's integer range.
  const int64_t max_int = rules.strict_canonical_json ? kMaxSafeInt : std::numeric_limits<int64_t>::max();
  e.origin_server_ts = requireInt(pdu, "origin_server_ts", -max_int, max_int);
  e.depth = requireInt(pdu, "depth", 0, max_int);
  const auto prev_limit = options.check_list_limits ? std::optional(kMaxPrevEvents) : std::nullopt;
  const auto auth_limit = options.check_list_limits ? std::optional(kMaxAuthEvents) : std::nullopt;
  const bool pairs = rules.event_format == EventFormat::kV1;
  e.prev_events = requireIdList(pdu, "prev_events", prev_limit, pairs);
  e.auth_events = requireIdList(pdu, "auth_events", auth_limit, pairs);
  const json::Value* content = json::member(pdu, "content");
  if (content == nullptr || !content->IsObject()) {
    bad("'content' must be an object");
  }
  const json::Value* unsigned_part = json::member(pdu, "unsigned");
  if (unsigned_part != nullptr && !unsigned_part->IsObject()) {
    bad("'unsigned' must be an object");
  }
  checkHashesAndSignatures(pdu, options.draft);
}

}  // namespace

const json::Value& Event::content() const { return (*json)["content"]; }

std::string_view Event::membership() const {
  return stringMember(content(), "membership").value_or(std::string_view{});
}

bool Event::hasSignatureFrom(std::string_view server_name) const {
  const json::Value* sigs = json::member(*json, "signatures");
  const json::Value* by_server = sigs == nullptr ? nullptr : json::member(*sigs, server_name);
  return by_server != nullptr && by_server->IsObject() && by_server->MemberCount() > 0;
}

Event parseEvent(std::string_view pdu_json, std::string event_id, std::string_view room_version,
                 const ParseOptions& options) {
  // Stored events and other servers' events may carry NUL in strings: only clients may not.
  return parseEvent(json::parseValue(pdu_json, json::Nul::kAllow), std::move(event_id), room_version,
                    options);
}

Event parseEvent(json::Document pdu, std::string event_id, std::string_view room_version,
                 const ParseOptions& options) {
  const RoomVersionRules* rules = findRoomVersion(room_version);
  if (rules == nullptr) {
    throw MatrixError(ErrCode::UnsupportedRoomVersion,
                      "Unsupported room version '" + std::string(room_version) + "'");
  }
  if (!pdu.IsObject()) {
    bad("a PDU must be a JSON object");
  }
  Event e;
  e.event_id = event_id.empty() ? requireId(pdu, "event_id") : std::move(event_id);
  if (e.event_id.front() != '$' || e.event_id.size() > kMaxIdBytes ||
      e.event_id.find('\0') != std::string::npos) {
    bad("event ID must start with '$' and be at most 255 bytes");
  }
  fillFields(e, pdu, *rules, options);
  e.json = std::make_shared<const json::Document>(std::move(pdu));
  e.redacts = readRedacts(*e.json, e, *rules);
  return e;
}

StateMap stateAfter(StateMap before, const Event& e) {
  if (e.state_key) {
    before[{e.type, *e.state_key}] = e.event_id;
  }
  return before;
}

std::optional<std::string_view> stringMember(const json::Value& obj, std::string_view key) {
  const json::Value* v = json::member(obj, key);
  if (v == nullptr || !v->IsString()) {
    return std::nullopt;
  }
  return std::string_view(v->GetString(), v->GetStringLength());
}

std::string_view domainOf(std::string_view id) {
  const size_t colon = id.find(':');
  return colon == std::string_view::npos ? std::string_view{} : id.substr(colon + 1);
}

bool isValidUserId(std::string_view id) {
  const size_t colon = id.find(':');
  return id.size() <= kMaxIdBytes && id.size() >= 4 && id.front() == '@' &&
         colon != std::string_view::npos && colon > 1 &&
         core::isValidServerName(id.substr(colon + 1));
}

std::string createEventIdForRoom(std::string_view room_id) {
  std::string id = "$";
  id.append(room_id.substr(1));
  return id;
}

std::string_view roomCreator(const Event& create, const RoomVersionRules& rules) {
  if (rules.creator_is_sender) {
    return create.sender;
  }
  return stringMember(create.content(), "creator").value_or(std::string_view{});
}

}  // namespace hs::rooms
