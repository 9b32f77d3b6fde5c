#include "homeserver/services/rooms/room_service.h"

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/power_levels.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
// The spec scopes a transaction id to (device, HTTP endpoint): the same txn id sent to another
// room, another event type or the /redact endpoint is a different request.
std::string txnKey(const std::string& room_id, const EventDraft& d, const std::string& txn_id) {
  const std::string endpoint = d.redacts ? "redact/" + *d.redacts : "send/" + d.type;
  return room_id + "/" + endpoint + "/" + txn_id;
}

// Reactions are unique per (sender, target, key): the spec's M_DUPLICATE_ANNOTATION. Checked
// under the room lock, after the transaction lookup, so that a retried request still gets its
// first answer.
void checkDuplicateAnnotation(RoomWriter& w, const EventDraft& d) {
  if (d.type != "m.reaction") {
    return;
  }
  const auto doc = json::tryParse(d.content_json);
  const json::Value* rel = doc && doc->IsObject() ? json::member(*doc, "m.relates_to") : nullptr;
  if (rel == nullptr || !rel->IsObject()) {
    return;
  }
  const json::Value* target = json::member(*rel, "event_id");
  const json::Value* key = json::member(*rel, "key");
  const json::Value* type = json::member(*rel, "rel_type");
  if (target && target->IsString() && key && key->IsString() && type && type->IsString() &&
      std::string_view(type->GetString()) == "m.annotation" &&
      w.hasAnnotation(target->GetString(), d.sender, key->GetString())) {
    throw MatrixError(ErrCode::DuplicateAnnotation, "You already reacted with this key");
  }
}

// m.room.canonical_alias may only name aliases that point at this room (the spec's SHOULD,
// answered with M_BAD_ALIAS), so clients never show an alias that leads elsewhere.
void checkCanonicalAlias(RoomStore& store, const std::string& room_id, const EventDraft& d) {
  if (d.type != "m.room.canonical_alias" || d.state_key.value_or("") != "") {
    return;
  }
  const auto doc = json::tryParse(d.content_json);
  if (!doc || !doc->IsObject()) {
    return;  // persistDraft refuses it with M_BAD_JSON
  }
  std::vector<std::string> aliases;
  if (auto alias = json::optString(*doc, "alias")) {
    aliases.push_back(*alias);
  }
  for (auto& a : json::optStringArray(*doc, "alt_aliases").value_or(std::vector<std::string>{})) {
    aliases.push_back(std::move(a));
  }
  for (const auto& alias : aliases) {
    const auto target = store.aliasRoom(alias);
    if (!target || *target != room_id) {
      throw MatrixError(ErrCode::BadAlias, alias + " does not point to this room");
    }
  }
}
}  // namespace

RoomService::RoomService(const config::Config& config, RoomStore& store,
                         accounts::AccountStore& accounts, EventPipeline& pipeline,
                         const core::Clock& clock, core::Random& random)
    : config_(config), store_(store), accounts_(accounts), pipeline_(pipeline), clock_(clock),
      random_(random) {}

std::string RoomService::send(const std::string& room_id, const EventDraft& draft,
                              const std::optional<std::string>& txn_user,
                              const std::optional<TxnRef>& txn) {
  checkCanonicalAlias(store_, room_id, draft);  // reads aliases before the room lock is taken
  auto batch = pipeline_.open(room_id);
  std::optional<LocalTxn> local_txn;
  if (txn && txn_user) {
    local_txn = LocalTxn{*txn_user, txn->device_id, txn->txn_id, txnKey(room_id, draft, txn->txn_id)};
    if (auto existing = batch.writer().eventForTxn(*txn_user, txn->device_id, local_txn->key)) {
      return *existing;  // a retried request gets the first answer
    }
  }
  checkDuplicateAnnotation(batch.writer(), draft);
  if (draft.redacts) {
    checkRedactionAllowed(batch.writer(), batch.room(), core::UserId::parse(draft.sender), *draft.redacts);
  }
  std::string event_id = batch.appendLocal(draft, local_txn).event_id;
  batch.commit();
  return event_id;
}

void RoomService::checkRedactionAllowed(RoomWriter& w, const RoomInfo& room,
                                        const core::UserId& sender, const std::string& target_id) {
  const auto target = w.event(target_id);
  if (!target || target->room_id != room.room_id) {
    throw MatrixError(ErrCode::NotFound, "Event not found in this room");
  }
  if (target->sender == sender.str()) {
    return;
  }
  const auto* rules = findRoomVersion(room.room_version);
  const auto state = w.stateEvents({{std::string(kCreate), ""}, {std::string(kPowerLevels), ""}});
  const Event* create = nullptr;
  const Event* pl = nullptr;
  for (const auto& e : state) {
    (e.type == kCreate ? create : pl) = &e;
  }
  const PowerLevels levels = PowerLevels::fromState(pl, create, *rules);
  if (levels.userLevel(sender.str()) < levels.redact()) {
    throw MatrixError(ErrCode::Forbidden, "You may only redact your own events");
  }
}

std::string RoomService::redact(const core::UserId& sender, const std::string& room_id,
                                const std::string& event_id, const std::optional<std::string>& reason,
                                const std::optional<TxnRef>& txn) {
  json::Writer c;
  c.startObject().key("redacts").string(event_id);  // v11 reads it here; v10 copies it to the top
  if (reason) {
    c.key("reason").string(*reason);
  }
  c.endObject();
  EventDraft d{sender.str(), std::string(kRedaction), std::nullopt, c.take(), event_id};
  return send(room_id, d, sender.str(), txn);
}

}  // namespace hs::rooms
