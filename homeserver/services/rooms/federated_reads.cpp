// FederatedRooms: the reads other servers make of a room's history (/event, /state, /state_ids,
// /event_auth, /backfill, /get_missing_events; ALGORITHMS §23). Each is answered only to a server
// with a user joined to the room, or for a world_readable room.
#include <algorithm>

#include "homeserver/core/matrix_error.h"
#include "homeserver/services/rooms/federated_rooms.h"

namespace hs::rooms {

using core::ErrCode;
using core::MatrixError;

namespace {
// At most this many events per /backfill or /get_missing_events answer.
constexpr size_t kMaxWalk = 100;

void writePdus(json::Writer& w, const char* key, const std::vector<Event>& events) {
  w.key(key).startArray();
  for (const auto& e : events) {
    w.raw(json::toString(*e.json));
  }
  w.endArray();
}

void writeIds(json::Writer& w, const char* key, const std::vector<Event>& events) {
  w.key(key).startArray();
  for (const auto& e : events) {
    w.string(e.event_id);
  }
  w.endArray();
}
}  // namespace

void FederatedRooms::checkMayRead(const std::string& origin, const std::string& room_id) {
  RoomStore& store = pipeline_.store();
  for (const auto& m : store.members(room_id)) {
    if (m.membership == "join" && domainOf(m.user_id) == origin) {
      return;
    }
  }
  if (const auto hv = store.stateEvent(room_id, "m.room.history_visibility", "")) {
    const auto content = json::tryParse(hv->client_json);
    const json::Value* c = content && content->IsObject() ? json::optObject(*content, "content") : nullptr;
    if (c != nullptr && json::optString(*c, "history_visibility") == "world_readable") {
      return;
    }
  }
  throw MatrixError(ErrCode::Forbidden, "No user of " + origin + " is in the room");
}

std::string FederatedRooms::transactionOf(const std::vector<Event>& pdus) const {
  json::Writer w;
  w.startObject().key("origin").string(config_.server_name).key("origin_server_ts").integer(clock_.nowMs());
  writePdus(w, "pdus", pdus);
  w.endObject();
  return w.take();
}

std::string FederatedRooms::getEvent(const std::string& origin, const std::string& event_id) {
  const auto event = pipeline_.storedEvent(event_id);
  if (!event) {
    throw MatrixError(ErrCode::NotFound, "Unknown event");
  }
  checkMayRead(origin, event->room_id);
  return transactionOf({*event});
}

std::string FederatedRooms::getState(const std::string& origin, const std::string& room_id,
                                     const std::string& event_id, bool ids_only) {
  checkMayRead(origin, room_id);
  const auto state = pipeline_.stateBeforeEvent(room_id, event_id);
  if (!state) {
    throw MatrixError(ErrCode::NotFound, "No state is known at that event");
  }
  json::Writer w;
  w.startObject();
  if (ids_only) {
    writeIds(w, "pdu_ids", state->state);
    writeIds(w, "auth_chain_ids", state->auth_chain);
  } else {
    writePdus(w, "pdus", state->state);
    writePdus(w, "auth_chain", state->auth_chain);
  }
  w.endObject();
  return w.take();
}

std::string FederatedRooms::getEventAuth(const std::string& origin, const std::string& room_id,
                                         const std::string& event_id) {
  checkMayRead(origin, room_id);
  const auto event = pipeline_.storedEvent(event_id);
  if (!event || event->room_id != room_id) {
    throw MatrixError(ErrCode::NotFound, "Unknown event");
  }
  json::Writer w;
  w.startObject();
  writePdus(w, "auth_chain", pipeline_.authChainOf(room_id, event->auth_events));
  w.endObject();
  return w.take();
}

std::string FederatedRooms::backfill(const std::string& origin, const std::string& room_id,
                                     const std::vector<std::string>& from, size_t limit) {
  checkMayRead(origin, room_id);
  return transactionOf(pipeline_.walkBack(room_id, WalkBack{from, {}, std::min(limit, kMaxWalk), true, 0}));
}

std::string FederatedRooms::getMissingEvents(const std::string& origin, const std::string& room_id,
                                             const std::string& body) {
  checkMayRead(origin, room_id);
  const auto doc = json::parseObject(body);
  const auto latest = json::optStringArray(doc, "latest_events");
  const auto earliest = json::optStringArray(doc, "earliest_events");
  if (!latest || !earliest) {
    throw MatrixError(ErrCode::BadJson, "latest_events and earliest_events must be arrays of event IDs");
  }
  const int64_t limit = std::clamp<int64_t>(json::optInt(doc, "limit").value_or(10), 0, kMaxWalk);
  const int64_t min_depth = json::optInt(doc, "min_depth").value_or(0);
  std::vector<Event> events =
      pipeline_.walkBack(room_id, WalkBack{*latest, *earliest, static_cast<size_t>(limit), false, min_depth});
  // Oldest first, as Synapse answers: the receiver persists them in that order.
  std::sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.depth < b.depth; });
  json::Writer w;
  w.startObject();
  writePdus(w, "events", events);
  w.endObject();
  return w.take();
}

}  // namespace hs::rooms
