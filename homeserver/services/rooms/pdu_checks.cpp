#include "homeserver/services/rooms/pdu_checks.h"

#include <limits>

#include "homeserver/core/base64.h"
#include "homeserver/core/canonical_json.h"
#include "homeserver/core/event_crypto.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/core/redaction.h"
#include "homeserver/services/rooms/event_builder.h"

namespace hs::rooms {

namespace {
constexpr size_t kMaxPduBytes = 65536;
constexpr std::string_view kEd25519 = "ed25519:";

// The servers whose signatures §7 requires: the sender's, and in rooms v1 and v2 the server
// of the event ID as well.
std::set<std::string> requiredSigners(const Event& e, const RoomVersionRules& rules) {
  std::set<std::string> out{std::string(domainOf(e.sender))};
  if (rules.event_format == EventFormat::kV1) {
    out.insert(std::string(domainOf(e.event_id)));
  }
  return out;
}

// Whether `server` validly signed the (redacted) event: at least one signature by one of its
// usable keys, and no signature by a usable key that fails. Unknown keys are skipped, as are
// keys that expired before the event and (room versions 5+) keys not valid at the event.
bool signedBy(const json::Value& pdu, const Event& e, const std::string& server,
              const RoomVersionRules& rules, core::ServerKeyLookup& keys) {
  const json::Value* sigs = json::member(pdu, "signatures");
  const json::Value* by_server = sigs ? json::member(*sigs, server) : nullptr;
  if (by_server == nullptr || !by_server->IsObject()) {
    return false;
  }
  const int64_t at = e.origin_server_ts;
  size_t verified = 0;
  for (const auto& m : by_server->GetObject()) {
    const std::string key_id(m.name.GetString(), m.name.GetStringLength());
    if (key_id.compare(0, kEd25519.size(), kEd25519) != 0 || !m.value.IsString()) {
      continue;
    }
    const auto key = keys.verifyKey(server, key_id, rules.enforce_key_validity ? at : 0);
    if (!key || (key->expired_ts && *key->expired_ts < at) ||
        (rules.enforce_key_validity && !key->expired_ts && key->valid_until_ts < at)) {
      continue;
    }
    if (!core::verifyEventSignature(pdu, server, key_id, key->public_key, std::string(rules.id))) {
      return false;
    }
    ++verified;
  }
  return verified > 0;
}

// The relations fields (content.m.relates_to) and the client rendering of a checked event.
NewEvent storedForm(json::Document pdu, std::string event_id, const RoomVersionRules& rules) {
  NewEvent n;
  n.pdu_json = json::toString(pdu);
  n.client_json = clientJsonFor(pdu, event_id);
  n.event = parseEvent(std::move(pdu), std::move(event_id), rules.id, {false, false});
  fillRelation(n);
  return n;
}
}  // namespace

AuthHooks authHooksFor(const CheckedPdu& pdu) {
  AuthHooks hooks;
  hooks.signed_by = [&pdu](const Event&, std::string_view server) {
    return pdu.signed_by.count(std::string(server)) > 0;
  };
  return hooks;
}

std::string eventIdOf(const json::Value& pdu, const RoomVersionRules& rules) {
  if (rules.event_format == EventFormat::kV1) {
    const auto id = stringMember(pdu, "event_id");
    if (!id) {
      throw DroppedPdu("a PDU of room versions 1 and 2 needs an event_id");
    }
    return std::string(*id);
  }
  const std::string hash = core::referenceHash(pdu, std::string(rules.id));
  std::string id = "$";  // appended: "$" + ... trips g++ 12's -Wrestrict
  id += rules.event_format == EventFormat::kV3 ? core::base64Encode(hash) : core::base64UrlEncode(hash);
  return id;
}

std::string eventIdOrEmpty(std::string_view pdu_json, const RoomVersionRules& rules) noexcept {
  try {
    const auto pdu = json::tryParse(pdu_json);
    return pdu && pdu->IsObject() ? eventIdOf(*pdu, rules) : std::string();
  } catch (const std::exception&) {
    return {};  // not canonicalizable, or a v1/v2 PDU without event_id
  }
}

CheckedPdu checkPdu(std::string_view pdu_json, const std::string& room_id,
                    const RoomVersionRules& rules, core::ServerKeyLookup& keys) {
  CheckedPdu out;
  try {
    json::Document pdu = json::parseObject(pdu_json);
    pdu.RemoveMember("unsigned");  // not signed, and not ours to keep or forward
    if (core::canonicalJson(pdu).size() > kMaxPduBytes) {
      throw DroppedPdu("the PDU is larger than 65536 bytes");
    }
    std::string event_id = eventIdOf(pdu, rules);
    json::Document copy;
    copy.CopyFrom(pdu, copy.GetAllocator());
    const Event e = parseEvent(std::move(copy), event_id, rules.id);  // format and lists
    if (e.room_id != room_id) {
      throw DroppedPdu("the PDU belongs to room " + e.room_id + ", not " + room_id);
    }
    for (const std::string& server : requiredSigners(e, rules)) {
      if (!signedBy(pdu, e, server, rules, keys)) {
        throw DroppedPdu("the PDU is not validly signed by " + server);
      }
      out.signed_by.insert(server);
    }
    if (auto via = stringMember(e.content(), "join_authorised_via_users_server")) {
      const std::string server(domainOf(*via));
      if (!out.signed_by.count(server) && signedBy(pdu, e, server, rules, keys)) {
        out.signed_by.insert(server);
      }
    }
    if (!core::contentHashMatches(pdu)) {
      pdu = core::redactEvent(pdu, std::string(rules.id));
      out.redacted = true;
    }
    out.event = storedForm(std::move(pdu), std::move(event_id), rules);
  } catch (const core::MatrixError& e) {
    throw DroppedPdu(e.what());  // not JSON, not canonical JSON, not the version's format
  }
  return out;
}

}  // namespace hs::rooms
