// History: /messages, /context, /event and /relations.
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
                                        tokenParam(req, "from"), tokenParam(req, "to"), dir == "b",
                                        limitParam(req, 10, 1000),
                                        filter && filter->lazy_load_members, keep);
  const auto rc = renderContextFor(who, ctx, room_id, page.chunk);
  json::Writer w;
  w.startObject().key("start").string(streams::renderPaginationToken(page.start));
  if (page.end) {
    w.key("end").string(streams::renderPaginationToken(*page.end));
  }
  writeEvents(w, "chunk", page.chunk, rc);
  if (!page.state.empty()) {
    writeEvents(w, "state", page.state, rc);
  }
  w.endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/rooms/{roomId}/context/{eventId}?limit=
Response getContext(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  const auto r = ctx.reader.context(who.userId().str(), room_id,
                                    req.pathParam("eventId"), limitParam(req, 10, 1000));
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
  w.key("start").string(streams::renderPaginationToken(r.start));
  w.key("end").string(streams::renderPaginationToken(r.end)).endObject();
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
