// Deprecated endpoints that tools and test suites still call: GET /events, GET /initialSync,
// GET /rooms/{roomId}/initialSync and GET /events/{eventId}. Each is a view of /sync or of
// the room reader, with no rules of its own. Peeking (the room_id of /events for a
// world-readable room one is not in) reads the room's history after `from`.
#include "client_api/handlers/legacy_handlers.h"

#include <algorithm>

#include "client_api/handlers/room_params.h"
#include "client_api/handlers/sync_handlers.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/streams/tokens.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
constexpr size_t kMaxPresence = 100;

// What a path leads to in our own /sync output; null when it is absent.
const json::Value& at(const json::Value& v, std::initializer_list<const char*> path) {
  static const json::Value kNull;
  const json::Value* cur = &v;
  for (const char* key : path) {
    cur = cur->IsObject() ? json::member(*cur, key) : nullptr;
    if (cur == nullptr) {
      return kNull;
    }
  }
  return *cur;
}

// The elements of an array, or none.
json::Value::ConstArray items(const json::Value& v) {
  static const json::Value kEmpty(rapidjson::kArrayType);
  return v.IsArray() ? v.GetArray() : kEmpty.GetArray();
}

// The members of an object, or none.
json::Value::ConstObject fields(const json::Value& v) {
  static const json::Value kEmpty(rapidjson::kObjectType);
  return v.IsObject() ? v.GetObject() : kEmpty.GetObject();
}

std::string text(const json::Value& v) { return v.IsString() ? v.GetString() : ""; }

void writeArray(json::Writer& w, const json::Value& events) {
  w.startArray();
  for (const auto& e : items(events)) {
    w.value(e);
  }
  w.endArray();
}

// An ephemeral event of /sync, which has no room_id, as /events gives it.
void writeWithRoom(json::Writer& w, const json::Value& event, const std::string& room_id) {
  w.startObject();
  for (const auto& m : event.GetObject()) {
    w.key(std::string_view(m.name.GetString(), m.name.GetStringLength())).value(m.value);
  }
  if (!event.HasMember("room_id")) {
    w.key("room_id").string(room_id);
  }
  w.endObject();
}

// /events from a /sync answer: the joined rooms' timeline and ephemeral events, then presence.
std::string eventsBody(const std::string& sync_body, const std::string& from) {
  const json::Document doc = json::parseValue(sync_body, json::Nul::kAllow);  // our own /sync output
  json::Writer w;
  w.startObject().key("chunk").startArray();
  const json::Value& joined = at(doc, {"rooms", "join"});
  for (const auto& room : fields(joined)) {
    const std::string room_id(room.name.GetString(), room.name.GetStringLength());
    for (const auto& e : items(at(room.value, {"timeline", "events"}))) {
      w.value(e);
    }
    for (const auto& e : items(at(room.value, {"ephemeral", "events"}))) {
      if (e.IsObject()) {
        writeWithRoom(w, e, room_id);
      }
    }
  }
  for (const auto& e : items(at(doc, {"presence", "events"}))) {
    w.value(e);
  }
  w.endArray().key("start").string(from).key("end").string(text(at(doc, {"next_batch"})));
  w.endObject();
  return w.take();
}

// A room of /initialSync from its /sync form: its timeline as `messages` and its current
// state (the state before the timeline, overridden by the timeline's state events).
void writeRoomFromSync(json::Writer& w, const std::string& room_id, const char* membership,
                       const json::Value& room, const std::string& end) {
  w.startObject().key("room_id").string(room_id).key("membership").string(membership);
  if (std::string_view(membership) == "invite") {
    w.key("invite_state").startObject().key("events");
    writeArray(w, at(room, {"invite_state", "events"}));
    w.endObject().endObject();
    return;
  }
  const json::Value& timeline = at(room, {"timeline", "events"});
  w.key("messages").startObject().key("chunk");
  writeArray(w, timeline);
  const std::string prev = text(at(room, {"timeline", "prev_batch"}));
  w.key("start").string(prev.empty() ? "t0" : prev).key("end").string(end).endObject();
  std::map<std::pair<std::string, std::string>, const json::Value*> state;
  for (const json::Value* events : {&at(room, {"state", "events"}), &timeline}) {
    for (const auto& e : items(*events)) {
      if (e.HasMember("state_key") && e["state_key"].IsString() && e.HasMember("type") && e["type"].IsString()) {
        state[{e["type"].GetString(), e["state_key"].GetString()}] = &e;
      }
    }
  }
  w.key("state").startArray();
  for (const auto& [key, e] : state) {
    w.value(*e);
  }
  w.endArray().key("account_data");
  writeArray(w, at(room, {"account_data", "events"}));
  w.endObject();
}
// Peeking: the events of a room one is not in after `since`, as far as history visibility lets
// an outsider read them (world_readable; M_FORBIDDEN otherwise). Answered at once, without
// the long-poll: the notifier wakes users, and a peeker is no member.
Response peekEvents(const Requester& who, const std::string& room_id, const streams::SyncToken& since,
                    ClientContext& ctx) {
  const std::string user = who.userId().str();
  const auto page = ctx.reader.messages(user, room_id, streams::TimelineToken{std::nullopt, since.position},
                                        std::nullopt, false, 100, false);
  rooms::RenderContext rc = rooms::viewerContext(user, who.device_id, ctx.clock.nowMs());
  ctx.reader.loadRenderExtras(user, room_id, page.chunk, rc);
  streams::SyncToken end = since;
  for (const auto& e : page.chunk) {  // forwards pages run in topological order
    end.position = std::max(end.position, e.stream_pos);
  }
  json::Writer w;
  w.startObject().key("start").string(streams::renderSyncToken(since));
  w.key("end").string(streams::renderSyncToken(end)).key("chunk").startArray();
  for (const auto& e : page.chunk) {
    rooms::renderEvent(w, e, rc);
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}
}  // namespace

// GET /_matrix/client/v3/events?from=&timeout=&room_id=   (deprecated)
Response getEvents(Request& req, const Requester& who, ClientContext& ctx) {
  sync::SyncRequest sr;
  sr.user_id = who.userId().str();
  sr.device_id = who.device_id;
  const auto from = req.queryParam("from");
  sr.since = from && !from->empty() ? streams::parseSyncToken(*from) : ctx.sync.currentToken();
  if (!sr.since) {
    throw MatrixError(ErrCode::InvalidParam, "Invalid 'from' token");
  }
  if (const auto room_id = req.queryParam("room_id")) {
    const auto m = ctx.rooms.store().membership(checkRoomId(*room_id), sr.user_id);
    if (!m || m->membership != "join") {
      return peekEvents(who, *room_id, *sr.since, ctx);
    }
    sr.filter.room.rooms = std::vector<std::string>{*room_id};
  }
  sr.filter.room.timeline.limit = 100;
  const std::string start = streams::renderSyncToken(*sr.since);
  return longPollSync(req, ctx, sr, syncTimeoutParam(req),
                      [start](std::string body) { return eventsBody(body, start); });
}

// GET /_matrix/client/v3/initialSync?limit=&archived=   (deprecated)
Response getInitialSync(Request& req, const Requester& who, ClientContext& ctx) {
  sync::SyncRequest sr;
  sr.user_id = who.userId().str();
  sr.device_id = who.device_id;
  sr.filter.room.timeline.limit = static_cast<int64_t>(limitParam(req, 10, 100));
  sr.filter.room.include_leave = req.queryParam("archived").value_or("false") == "true";
  const json::Document doc = json::parseValue(ctx.sync.sync(sr).body, json::Nul::kAllow);
  const std::string end = text(at(doc, {"next_batch"}));
  json::Writer w;
  w.startObject().key("end").string(end).key("rooms").startArray();
  for (const char* membership : {"join", "invite", "leave"}) {
    for (const auto& room : fields(at(doc, {"rooms", membership}))) {
      writeRoomFromSync(w, std::string(room.name.GetString(), room.name.GetStringLength()), membership,
                        room.value, end);
    }
  }
  w.endArray().key("presence");
  writeArray(w, at(doc, {"presence", "events"}));
  w.key("account_data");
  writeArray(w, at(doc, {"account_data", "events"}));
  w.endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/rooms/{roomId}/initialSync?limit=   (deprecated)
Response getRoomInitialSync(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  const std::string user = who.userId().str();
  const auto state = ctx.reader.state(user, room_id);  // M_FORBIDDEN for outsiders
  const auto page = ctx.reader.messages(user, room_id, std::nullopt, std::nullopt, true, limitParam(req, 20, 100),
                                        false);
  const std::vector<rooms::StoredEvent> chunk(page.chunk.rbegin(), page.chunk.rend());
  rooms::RenderContext rc = rooms::viewerContext(user, who.device_id, ctx.clock.nowMs());
  ctx.reader.loadRenderExtras(user, room_id, chunk, rc);
  const auto membership = ctx.rooms.store().membership(room_id, user);
  json::Writer w;
  w.startObject().key("room_id").string(room_id);
  w.optString("membership", membership ? std::optional(membership->membership) : std::nullopt);
  w.key("messages").startObject().key("chunk").startArray();
  for (const auto& e : chunk) {
    rooms::renderEvent(w, e, rc);
  }
  w.endArray().key("start").string(
      streams::renderTimelineToken(page.end.value_or(streams::TimelineToken{std::nullopt, 0})));
  w.key("end").string(streams::renderSyncToken({page.start.stream, ctx.sync.currentToken().typing})).endObject();
  w.key("state").startArray();
  for (const auto& e : state) {
    rooms::renderEvent(w, e, rc);
  }
  w.endArray().key("presence").startArray();
  // The joined members' presence, for a member (who shares the room with them).
  if (membership && membership->membership == "join") {
    size_t n = 0;
    for (const auto& m : ctx.rooms.store().members(room_id)) {
      if (m.membership == "join" && n++ < kMaxPresence) {
        w.startObject().key("type").string("m.presence").key("sender").string(m.user_id).key("content");
        w.raw(ctx.presence.statusJson(who.userId(), core::UserId::parse(m.user_id))).endObject();
      }
    }
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/events/{eventId}   (deprecated)
Response getEventById(Request& req, const Requester& who, ClientContext& ctx) {
  const auto found = ctx.rooms.store().eventById(req.pathParam("eventId"));
  if (!found) {
    throw MatrixError(ErrCode::NotFound, "Event not found");
  }
  const auto e = ctx.reader.eventOrNotFound(who.userId().str(), found->room_id, found->event_id);
  rooms::RenderContext rc = rooms::viewerContext(who.userId().str(), who.device_id, ctx.clock.nowMs());
  ctx.reader.loadRenderExtras(who.userId().str(), e.room_id, {e}, rc);
  return Response::json(200, rooms::renderEvent(e, rc));
}

void addLegacyRoutes(http::RouteTable& t, ClientContext& ctx) {
  using http::Auth;
  using http::Method;
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, ClientContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  t.addClient(Method::Get, "/events", Auth::AccessToken, h(getEvents));
  t.addClient(Method::Get, "/events/:eventId", Auth::AccessToken, h(getEventById));
  t.addClient(Method::Get, "/initialSync", Auth::AccessToken, h(getInitialSync));
  t.addClient(Method::Get, "/rooms/:roomId/initialSync", Auth::AccessToken, h(getRoomInitialSync));
}

}  // namespace hs::client
