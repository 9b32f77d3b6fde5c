#include "homeserver/services/rooms/room_service.h"

#include "homeserver/core/matrix_error.h"
#include "homeserver/core/redaction.h"
#include "homeserver/services/rooms/auth_rules.h"
#include "homeserver/services/rooms/power_levels.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxPduBytes = 65536;

StateLookup lookupInList(const std::vector<Event>& events) {
  return [&events](const std::string& type, const std::string& key) -> const Event* {
    for (const auto& e : events) {
      if (e.type == type && e.state_key == key) {
        return &e;
      }
    }
    return nullptr;
  };
}

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
                         accounts::AccountStore& accounts, streams::StreamTracker& stream,
                         streams::Notifier& notifier, const core::SigningKey& key,
                         const core::Clock& clock, core::Random& random)
    : config_(config), store_(store), accounts_(accounts), stream_(stream), notifier_(notifier),
      key_(key), clock_(clock), random_(random), facts_(store) {}

std::string RoomService::persistDraft(Pending& p, const RoomInfo& room, const EventDraft& draft,
                                      const std::optional<std::string>& txn_user,
                                      const std::optional<TxnRef>& txn) {
  RoomWriter& w = *p.w;
  auto parsed = json::tryParse(draft.content_json);
  if (!parsed || !parsed->IsObject()) {
    throw MatrixError(ErrCode::BadJson, "Event content must be a JSON object");
  }
  const json::Document content = std::move(*parsed);
  const auto keys = authKeysFor(draft.type, draft.state_key, draft.sender, content);
  const std::vector<Event> auth_state = w.stateEvents(keys);
  const auto extremities = w.extremities();
  NewEvent n = buildEvent(draft, BuildContext{room, auth_state, extremities, config_.server_name,
                                              key_, clock_.nowMs()});
  if (n.pdu_json.size() > kMaxPduBytes) {
    throw MatrixError(ErrCode::TooLarge, "Event is larger than 65536 bytes");
  }
  const AuthResult auth = authCheck(n.event, lookupInList(auth_state), room.room_version);
  if (!auth.allowed) {
    throw MatrixError(ErrCode::Forbidden, auth.reason);
  }
  if (txn && txn_user) {
    n.txn_user = *txn_user;
    n.txn_device = txn->device_id;
    n.txn_id = txn->txn_id;
    n.txn_key = txnKey(room.room_id, draft, txn->txn_id);
  }
  p.positions.push_back(std::make_unique<streams::StreamTracker::Reservation>(stream_));
  p.events.push_back(w.persist(n, p.positions.back()->position()));
  p.state_changed = p.state_changed || n.event.isState();
  if (draft.redacts) {
    if (auto target = w.event(*draft.redacts)) {
      auto redacted = core::redactEvent(*target->json, room.room_version);
      redacted.AddMember("event_id", json::Value(target->event_id.c_str(), redacted.GetAllocator()),
                         redacted.GetAllocator());
      w.markRedacted(target->event_id, n.event.event_id, clientJsonOf(redacted));
    }
  }
  return n.event.event_id;
}

std::string RoomService::send(const std::string& room_id, const EventDraft& draft,
                              const std::optional<std::string>& txn_user,
                              const std::optional<TxnRef>& txn) {
  checkCanonicalAlias(store_, room_id, draft);  // reads aliases before the room lock is taken
  std::string event_id;
  std::shared_ptr<const RoomFacts> facts;
  {
    Pending p;
    p.w = store_.writer(room_id);
    RoomWriter* w = p.w.get();
    const auto room = w->lockRoom();
    if (!room) {
      throw MatrixError(ErrCode::NotFound, "Unknown room");
    }
    if (txn && txn_user) {
      const std::string key = txnKey(room_id, draft, txn->txn_id);
      if (auto existing = w->eventForTxn(*txn_user, txn->device_id, key)) {
        return *existing;  // a retried request gets the first answer
      }
    }
    checkDuplicateAnnotation(*w, draft);
    if (draft.redacts) {
      checkRedactionAllowed(*w, *room, core::UserId::parse(draft.sender), *draft.redacts);
    }
    event_id = persistDraft(p, *room, draft, txn_user, txn);
    p.commit();
    facts = afterCommit(room_id, p);
  }
  notifyRoom(*facts, draft.state_key);
  if (sent_hook_) {
    sent_hook_(event_id, room_id, draft.content_json);
  }
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

std::shared_ptr<const RoomFacts> RoomService::afterCommit(const std::string& room_id, const Pending& p) {
  if (p.state_changed) {
    facts_.invalidate(room_id);
  }
  auto facts = facts_.get(room_id);
  if (event_hook_) {
    event_hook_(p.events, *facts);
  }
  return facts;
}

void RoomService::notifyRoom(const RoomFacts& room, const std::optional<std::string>& also) {
  std::vector<std::string> users;
  for (const auto& m : room.members) {
    if (m.membership == "join" || m.membership == "invite" || (also && *also == m.user_id)) {
      users.push_back(m.user_id);
    }
  }
  notifier_.notifyUsers(users);
}

}  // namespace hs::rooms
