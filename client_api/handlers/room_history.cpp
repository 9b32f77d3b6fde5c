// History: /messages, /context, /event and /relations.
#include <set>

#include "client_api/handlers/room_handlers.h"
#include "client_api/handlers/room_params.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/filters/filter.h"
#include "homeserver/services/streams/tokens.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
std::optional<int64_t> tokenParam(const Request& req, const char* name) {
  const auto text = req.queryParam(name);
  if (!text || text->empty()) {
    return std::nullopt;
  }
  auto pos = streams::parsePaginationToken(*text);
  if (!pos) {
    throw MatrixError(ErrCode::InvalidParam, std::string("Invalid '") + name + "' token");
  }
  return pos;
}

std::optional<streams::TimelineToken> timelineParam(const Request& req, const char* name) {
  const auto text = req.queryParam(name);
  if (!text || text->empty()) {
    return std::nullopt;
  }
  auto token = streams::parseTimelineToken(*text);
  if (!token) {
    throw MatrixError(ErrCode::InvalidParam, std::string("Invalid '") + name + "' token");
  }
  return token;
}

// The /messages `filter` param: a RoomEventFilter as inline JSON.
std::optional<filters::RoomEventFilter> eventFilterParam(const Request& req) {
  const auto text = req.queryParam("filter");
  if (!text || text->empty()) {
    return std::nullopt;
  }
  try {
    return filters::parseRoomEventFilterText(*text);
  } catch (const MatrixError& e) {
    throw MatrixError(ErrCode::InvalidParam, std::string("Invalid filter: ") + e.what());
  }
}

void writeEvents(json::Writer& w, const char* key, const std::vector<rooms::StoredEvent>& events,
                 const rooms::RenderContext& rc) {
  w.key(key).startArray();
  for (const auto& e : events) {
    rooms::renderEvent(w, e, rc);
  }
  w.endArray();
}

// The /context filter: it selects events_before and events_after (never the event asked
// for), and with lazy_load_members the state keeps only the members of the events returned.
void applyContextFilter(const filters::RoomEventFilter& f, rooms::ContextResult& r) {
  const auto dropped = [&f](const rooms::StoredEvent& e) {
    return !f.allowsEventJson(e.room_id, e.type, e.sender, e.client_json);
  };
  std::erase_if(r.before, dropped);
  std::erase_if(r.after, dropped);
  if (!f.lazy_load_members) {
    return;
  }
  std::set<std::string> senders = {r.event.sender};
  for (const auto* events : {&r.before, &r.after}) {
    for (const auto& e : *events) {
      senders.insert(e.sender);
    }
  }
  std::erase_if(r.state, [&senders](const rooms::StoredEvent& e) {
    return e.type == "m.room.member" && !senders.count(e.state_key.value_or(""));
  });
}

rooms::RenderContext renderContextFor(const Requester& who, ClientContext& ctx, const std::string& room_id,
                                      const std::vector<rooms::StoredEvent>& events) {
  rooms::RenderContext rc = rooms::viewerContext(who.userId().str(), who.device_id, ctx.clock.nowMs());
  ctx.reader.loadRenderExtras(who.userId().str(), room_id, events, rc);
  return rc;
}
}  // namespace

// GET /_matrix/client/v3/rooms/{roomId}/messages?from=&to=&dir=&limit=&filter=
Response getMessages(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string dir = req.queryParam("dir").value_or("b");
  if (dir != "b" && dir != "f") {
    throw MatrixError(ErrCode::InvalidParam, "dir must be b or f");
  }
  const auto filter = eventFilterParam(req);
  rooms::RoomReader::EventPredicate keep;
  if (filter) {
    keep = [&filter](const rooms::StoredEvent& e) {
      return filter->allowsEventJson(e.room_id, e.type, e.sender, e.client_json);
    };
  }
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  const auto page = ctx.reader.messages(who.userId().str(), room_id,
                                        timelineParam(req, "from"), timelineParam(req, "to"), dir == "b",
                                        limitParam(req, 10, 1000),
                                        filter && filter->lazy_load_members, keep);
  const auto rc = renderContextFor(who, ctx, room_id, page.chunk);
  json::Writer w;
  w.startObject().key("start").string(streams::renderTimelineToken(page.start));
  if (page.end) {
    w.key("end").string(streams::renderTimelineToken(*page.end));
  }
  writeEvents(w, "chunk", page.chunk, rc);
  if (!page.state.empty()) {
    writeEvents(w, "state", page.state, rc);
  }
  w.endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/rooms/{roomId}/context/{eventId}?limit=&filter=
Response getContext(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  const auto filter = eventFilterParam(req);
  auto r = ctx.reader.context(who.userId().str(), room_id, req.pathParam("eventId"), limitParam(req, 10, 1000));
  if (filter) {
    applyContextFilter(*filter, r);
  }
  std::vector<rooms::StoredEvent> all = r.before;
  all.insert(all.end(), r.after.begin(), r.after.end());
  all.push_back(r.event);
  const auto rc = renderContextFor(who, ctx, room_id, all);
  json::Writer w;
  w.startObject().key("event");
  rooms::renderEvent(w, r.event, rc);
  writeEvents(w, "events_before", r.before, rc);
  writeEvents(w, "events_after", r.after, rc);
  writeEvents(w, "state", r.state, rc);
  w.key("start").string(streams::renderTimelineToken(r.start));
  w.key("end").string(streams::renderTimelineToken(r.end)).endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/rooms/{roomId}/event/{eventId}
Response getRoomEvent(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  const auto e = ctx.reader.eventOrNotFound(who.userId().str(), room_id, req.pathParam("eventId"));
  return Response::json(200, rooms::renderEvent(e, renderContextFor(who, ctx, room_id, {e})));
}

// GET /_matrix/client/v1/rooms/{roomId}/relations/{eventId}[/{relType}[/{eventType}]]
//     ?from=&to=&limit=&dir=
Response getRelations(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string dir = req.queryParam("dir").value_or("b");
  if (dir != "b" && dir != "f") {
    throw MatrixError(ErrCode::InvalidParam, "dir must be b or f");
  }
  rooms::RelationsQuery q;
  q.event_id = req.pathParam("eventId");
  if (req.path_params.count("relType")) {
    q.rel_type = req.pathParam("relType");
  }
  if (req.path_params.count("eventType")) {
    q.event_type = req.pathParam("eventType");
  }
  q.limit = limitParam(req, 50, 1000);
  q.backwards = dir == "b";
  const auto from = tokenParam(req, "from");
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  const auto page = ctx.reader.relations(who.userId().str(), room_id, q, from, tokenParam(req, "to"));
  const auto rc = renderContextFor(who, ctx, room_id, page.chunk);
  json::Writer w;
  w.startObject();
  writeEvents(w, "chunk", page.chunk, rc);
  if (page.next) {
    w.key("next_batch").string(streams::renderPaginationToken(*page.next));
  }
  if (from) {
    w.key("prev_batch").string(streams::renderPaginationToken(*from));  // absent on the first page
  }
  w.endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
