// The event parser and the authorization rules, fed a room's history: the input is a JSON
// array of PDUs, each parsed (as a draft: hashes and signatures may be missing) and checked
// against the state the earlier accepted events built; accepted state events join that state.
// Redaction, canonical JSON and auth_events selection run on every parsed event. Properties:
// no crash or sanitizer report.
#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>
#include <string_view>

#include "homeserver/core/canonical_json.h"
#include "homeserver/core/event_crypto.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/redaction.h"
#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/event.h"

namespace {

void exercise(const hs::rooms::Event& e, std::string_view version) {
  try {
    (void)hs::core::redactEvent(*e.json, std::string(version));
    (void)hs::core::referenceHash(*e.json, std::string(version));
    (void)hs::core::canonicalJsonWithout(*e.json, {"signatures", "unsigned"});
  } catch (const hs::core::MatrixError&) {
  }
  (void)hs::rooms::authKeysFor(e.type, e.state_key, e.sender, e.content(),
                               *hs::rooms::findRoomVersion(version));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  const auto doc = hs::json::tryParse(text);
  if (!doc || !doc->IsArray()) {
    return 0;
  }
  // The room version the first event (the create event, in a sensible history) names.
  std::string_view version = "11";
  if (!doc->Empty()) {
    const hs::json::Value* content = hs::json::member((*doc)[0], "content");
    const auto named = content ? hs::rooms::stringMember(*content, "room_version") : std::nullopt;
    // Any of the versions 1 to 12; another (or none) fuzzes the default, 11.
    version = named && hs::rooms::findRoomVersion(*named) ? *named : "11";
  }
  std::deque<hs::rooms::Event> events;  // stable addresses for the state map
  hs::rooms::EventStateMap state;
  hs::rooms::ParseOptions options;
  options.draft = true;
  int n = 0;
  for (const auto& pdu : doc->GetArray()) {
    hs::rooms::Event e;
    try {
      e = hs::rooms::parseEvent(hs::json::toString(pdu), "$ev" + std::to_string(++n), version, options);
    } catch (const hs::core::MatrixError&) {
      continue;
    }
    exercise(e, version);
    const auto verdict = hs::rooms::authCheck(e, hs::rooms::lookupIn(state), version);
    if (verdict.allowed && e.isState()) {
      events.push_back(std::move(e));
      state[{events.back().type, *events.back().state_key}] = &events.back();
    }
  }
  return 0;
}
