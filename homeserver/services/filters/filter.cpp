#include "homeserver/services/filters/filter.h"

#include <algorithm>

#include "homeserver/core/matrix_error.h"

namespace hs::filters {

using core::ErrCode;
using core::MatrixError;
using StringList = std::vector<std::string>;

namespace {
[[noreturn]] void bad(const std::string& path, const char* what) {
  throw MatrixError(ErrCode::BadJson, "Filter field '" + path + "' must be " + what);
}

// A present, non-null member (null counts as absent: some clients send explicit nulls).
const json::Value* field(const json::Value& obj, std::string_view key) {
  const json::Value* v = json::member(obj, key);
  return v != nullptr && !v->IsNull() ? v : nullptr;
}

std::optional<StringList> optList(const json::Value& obj, std::string_view key, const std::string& at) {
  const json::Value* v = field(obj, key);
  if (v == nullptr) {
    return std::nullopt;
  }
  const std::string path = at + std::string(key);
  if (!v->IsArray()) {
    bad(path, "an array of strings");
  }
  StringList out;
  for (const auto& item : v->GetArray()) {
    if (!item.IsString()) {
      bad(path, "an array of strings");
    }
    out.emplace_back(item.GetString(), item.GetStringLength());
  }
  return out;
}

StringList list(const json::Value& obj, std::string_view key, const std::string& at) {
  return optList(obj, key, at).value_or(StringList{});
}

// A list of ids, each starting with `sigil` ('!' rooms, '@' users); user ids also need their
// server part. Only the shape is checked: ids of other servers need not exist here.
std::optional<StringList> optIdList(const json::Value& obj, std::string_view key, const std::string& at,
                                    char sigil) {
  auto ids = optList(obj, key, at);
  for (const auto& id : ids.value_or(StringList{})) {
    if (id.size() < 2 || id.front() != sigil || (sigil == '@' && id.find(':') == std::string::npos)) {
      bad(at + std::string(key), sigil == '@' ? "an array of user ids" : "an array of room ids");
    }
  }
  return ids;
}

std::optional<bool> optFlag(const json::Value& obj, std::string_view key, const std::string& at) {
  const json::Value* v = field(obj, key);
  if (v == nullptr) {
    return std::nullopt;
  }
  if (!v->IsBool()) {
    bad(at + std::string(key), "a boolean");
  }
  return v->GetBool();
}

// The sub-object at `key`, or an empty object when absent.
const json::Value& section(const json::Value& obj, std::string_view key, const std::string& at) {
  static const json::Value kEmpty(rapidjson::kObjectType);
  const json::Value* v = field(obj, key);
  if (v == nullptr) {
    return kEmpty;
  }
  if (!v->IsObject()) {
    bad(at + std::string(key), "an object");
  }
  return *v;
}

void parseEventFilter(const json::Value& obj, const std::string& at, EventFilter& out) {
  if (const json::Value* limit = field(obj, "limit")) {
    // The spec says "greater than 0"; 0 is let through because bots ask for empty timelines.
    if (!limit->IsInt64() || limit->GetInt64() < 0) {
      bad(at + "limit", "a non-negative integer");
    }
    out.limit = limit->GetInt64();
  }
  out.types = optList(obj, "types", at);
  out.not_types = list(obj, "not_types", at);
  out.senders = optIdList(obj, "senders", at, '@');
  out.not_senders = optIdList(obj, "not_senders", at, '@').value_or(StringList{});
}

RoomEventFilter parseRoomEventFilter(const json::Value& obj, const std::string& at) {
  RoomEventFilter out;
  parseEventFilter(obj, at, out);
  out.rooms = optIdList(obj, "rooms", at, '!');
  out.not_rooms = optIdList(obj, "not_rooms", at, '!').value_or(StringList{});
  out.contains_url = optFlag(obj, "contains_url", at);
  out.lazy_load_members = optFlag(obj, "lazy_load_members", at).value_or(false);
  out.include_redundant_members = optFlag(obj, "include_redundant_members", at).value_or(false);
  out.unread_thread_notifications = optFlag(obj, "unread_thread_notifications", at).value_or(false);
  return out;
}

RoomFilter parseRoomFilter(const json::Value& obj) {
  RoomFilter out;
  out.rooms = optIdList(obj, "rooms", "room.", '!');
  out.not_rooms = optIdList(obj, "not_rooms", "room.", '!').value_or(StringList{});
  out.include_leave = optFlag(obj, "include_leave", "room.").value_or(false);
  out.timeline = parseRoomEventFilter(section(obj, "timeline", "room."), "room.timeline.");
  out.state = parseRoomEventFilter(section(obj, "state", "room."), "room.state.");
  out.ephemeral = parseRoomEventFilter(section(obj, "ephemeral", "room."), "room.ephemeral.");
  out.account_data = parseRoomEventFilter(section(obj, "account_data", "room."), "room.account_data.");
  return out;
}

bool anyMatches(const StringList& patterns, std::string_view value, bool glob) {
  return std::any_of(patterns.begin(), patterns.end(), [&](const std::string& p) {
    return glob ? globMatches(p, value) : p == value;
  });
}

// The filter rule for one list pair: excluded by not_list, else included by list when present.
bool allowedBy(const std::optional<StringList>& only, const StringList& never, std::string_view value,
               bool glob) {
  if (anyMatches(never, value, glob)) {
    return false;
  }
  return !only || anyMatches(*only, value, glob);
}
}  // namespace

bool globMatches(std::string_view pattern, std::string_view value) {
  size_t p = 0, v = 0;
  size_t star = std::string_view::npos, resume = 0;  // last '*' seen and where it resumes in value
  while (v < value.size()) {
    if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      resume = v;
    } else if (p < pattern.size() && pattern[p] == value[v]) {
      ++p;
      ++v;
    } else if (star != std::string_view::npos) {
      p = star + 1;  // let the last '*' swallow one more character
      v = ++resume;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') {
    ++p;
  }
  return p == pattern.size();
}

bool eventHasUrl(std::string_view event_json) {
  const auto content = json::rawMember(event_json, "content");
  const auto doc = content ? json::tryParse(*content) : std::nullopt;
  const json::Value* url = doc && doc->IsObject() ? json::member(*doc, "url") : nullptr;
  return url != nullptr && url->IsString();
}

bool EventFilter::allowsType(std::string_view type) const {
  return allowedBy(types, not_types, type, true);
}

bool EventFilter::allowsSender(std::string_view sender) const {
  return allowedBy(senders, not_senders, sender, false);
}

bool RoomEventFilter::allowsRoom(std::string_view room_id) const {
  return allowedBy(rooms, not_rooms, room_id, false);
}

bool RoomEventFilter::allowsEvent(std::string_view room_id, std::string_view type,
                                  std::string_view sender, bool has_url) const {
  if (contains_url && *contains_url != has_url) {
    return false;
  }
  return allowsRoom(room_id) && allows(type, sender);
}

bool RoomFilter::allowsRoom(std::string_view room_id) const {
  return allowedBy(rooms, not_rooms, room_id, false);
}

Filter parseFilter(const json::Value& filter) {
  if (!filter.IsObject()) {
    throw MatrixError(ErrCode::BadJson, "A filter must be a JSON object");
  }
  Filter out;
  out.event_fields = optList(filter, "event_fields", "");
  if (const json::Value* format = field(filter, "event_format")) {
    const bool known = format->IsString() && (std::string_view(format->GetString()) == "client" ||
                                               std::string_view(format->GetString()) == "federation");
    if (!known) {
      bad("event_format", "\"client\" or \"federation\"");
    }
    out.event_format = format->GetString();
  }
  parseEventFilter(section(filter, "presence", ""), "presence.", out.presence);
  parseEventFilter(section(filter, "account_data", ""), "account_data.", out.account_data);
  out.room = parseRoomFilter(section(filter, "room", ""));
  return out;
}

// Filters are matched, never stored as text columns: a \u0000 in one is harmless.
RoomEventFilter parseRoomEventFilterText(std::string_view text) {
  const json::Document doc = json::parseValue(text, json::Nul::kAllow);  // M_NOT_JSON / M_BAD_JSON
  if (!doc.IsObject()) {
    throw core::MatrixError(core::ErrCode::BadJson, "filter must be a JSON object");
  }
  return parseRoomEventFilter(doc, "");
}

Filter parseFilterText(std::string_view text) {
  return parseFilter(json::parseValue(text, json::Nul::kAllow));
}

}  // namespace hs::filters
