// Server-side search: POST /search (room_events, the only category the spec defines).
#include "client_api/handlers/search.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <map>

#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/streams/tokens.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;
using http::Request;
using http::Requester;
using http::Response;

namespace {

constexpr int64_t kMaxContext = 100;

// ts_rank as a JSON number (finite: it is a ratio of positive weights).
std::string rankText(double rank) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.6g", std::isfinite(rank) ? rank : 0.0);
  return buf;
}

std::vector<search::SearchKey> parseKeys(const json::Value& criteria) {
  const auto keys = json::optStringArray(criteria, "keys");
  if (!keys) {
    return search::SearchRequest{}.keys;
  }
  std::vector<search::SearchKey> out;
  for (const auto& k : *keys) {
    if (k == "content.body") {
      out.push_back(search::SearchKey::kBody);
    } else if (k == "content.name") {
      out.push_back(search::SearchKey::kName);
    } else if (k == "content.topic") {
      out.push_back(search::SearchKey::kTopic);
    } else {
      throw MatrixError(ErrCode::InvalidParam, "Unknown search key: " + k);
    }
  }
  return out;
}

int64_t contextLimit(const json::Value& obj, const char* key) {
  const int64_t n = json::optInt(obj, key).value_or(5);
  if (n < 0) {
    throw MatrixError(ErrCode::InvalidParam, std::string(key) + " must not be negative");
  }
  return std::min(n, kMaxContext);
}

// The groupings' keys: "room_id" and/or "sender".
std::vector<std::string> parseGroupBy(const json::Value& criteria) {
  std::vector<std::string> out;
  const json::Value* groupings = json::optObject(criteria, "groupings");
  const json::Value* group_by = groupings ? json::member(*groupings, "group_by") : nullptr;
  if (!group_by || group_by->IsNull()) {
    return out;
  }
  if (!group_by->IsArray()) {
    throw MatrixError(ErrCode::BadJson, "groupings.group_by must be an array");
  }
  for (const auto& g : group_by->GetArray()) {
    const std::string key = g.IsObject() ? json::optString(g, "key").value_or("") : "";
    if (key != "room_id" && key != "sender") {
      throw MatrixError(ErrCode::InvalidParam, "group_by keys are room_id or sender");
    }
    out.push_back(key);
  }
  return out;
}

search::SearchRequest parseRoomEvents(const json::Value& criteria) {
  search::SearchRequest r;
  r.term = json::requireString(criteria, "search_term");
  r.keys = parseKeys(criteria);
  if (const json::Value* filter = json::member(criteria, "filter"); filter && !filter->IsNull()) {
    r.filter = filters::parseRoomEventFilterText(json::toString(*filter));
  }
  const std::string order = json::optString(criteria, "order_by").value_or("rank");
  if (order != "rank" && order != "recent") {
    throw MatrixError(ErrCode::InvalidParam, "order_by must be rank or recent");
  }
  r.by_rank = order == "rank";
  if (const json::Value* c = json::optObject(criteria, "event_context")) {
    r.context = search::ContextSpec{static_cast<size_t>(contextLimit(*c, "before_limit")),
                                    static_cast<size_t>(contextLimit(*c, "after_limit")),
                                    json::optBool(*c, "include_profile").value_or(false)};
  }
  r.include_state = json::optBool(criteria, "include_state").value_or(false);
  return r;
}

// One render context per room, with the bundled relations the viewer may see of every event
// the answer holds.
class Renderer {
 public:
  Renderer(const Requester& who, ClientContext& ctx, const search::SearchPage& page) {
    std::map<std::string, std::vector<rooms::StoredEvent>> by_room;
    for (const auto& r : page.results) {
      by_room[r.event.room_id].push_back(r.event);
      if (r.context) {
        auto& events = by_room[r.event.room_id];
        events.insert(events.end(), r.context->before.begin(), r.context->before.end());
        events.insert(events.end(), r.context->after.begin(), r.context->after.end());
      }
    }
    for (const auto& [room_id, events] : by_room) {
      auto& rc = contexts_.emplace(room_id, rooms::viewerContext(who.userId().str(), who.device_id,
                                                                 ctx.clock.nowMs())).first->second;
      ctx.reader.loadRenderExtras(who.userId().str(), room_id, events, rc);
    }
  }
  void event(json::Writer& w, const rooms::StoredEvent& e) const {
    rooms::renderEvent(w, e, contexts_.at(e.room_id));
  }
  void events(json::Writer& w, const char* key, const std::vector<rooms::StoredEvent>& events) const {
    w.key(key).startArray();
    for (const auto& e : events) {
      event(w, e);
    }
    w.endArray();
  }

 private:
  std::map<std::string, rooms::RenderContext> contexts_;  // every room with a result
};

void writeContext(json::Writer& w, const search::ResultContext& c, const Renderer& render) {
  w.key("context").startObject();
  render.events(w, "events_before", c.before);
  render.events(w, "events_after", c.after);
  w.key("start").string(streams::renderPaginationToken(c.start));
  w.key("end").string(streams::renderPaginationToken(c.end));
  if (!c.profiles.empty()) {
    w.key("profile_info").startObject();
    for (const auto& [user, p] : c.profiles) {
      w.key(user).startObject().optString("displayname", p.displayname);
      w.optString("avatar_url", p.avatar_url).endObject();
    }
    w.endObject();
  }
  w.endObject();
}

// groups.<key>.<value>: the results' event ids per room or sender, `order` ranking the groups
// by their best result (results are already in the requested order).
void writeGroups(json::Writer& w, const search::SearchPage& page, const std::vector<std::string>& group_by) {
  w.key("groups").startObject();
  for (const auto& key : group_by) {
    std::vector<std::pair<std::string, std::vector<std::string>>> groups;
    for (const auto& r : page.results) {
      const std::string& value = key == "room_id" ? r.event.room_id : r.event.sender;
      auto it = std::find_if(groups.begin(), groups.end(), [&](const auto& g) { return g.first == value; });
      if (it == groups.end()) {
        it = groups.insert(groups.end(), {value, {}});
      }
      it->second.push_back(r.event.event_id);
    }
    w.key(key).startObject();
    for (size_t i = 0; i < groups.size(); ++i) {
      w.key(groups[i].first).startObject().key("order").integer(static_cast<int64_t>(i + 1));
      w.key("results").startArray();
      for (const auto& id : groups[i].second) {
        w.string(id);
      }
      w.endArray().optString("next_batch", page.next_batch).endObject();
    }
    w.endObject();
  }
  w.endObject();
}

void writeRoomEvents(json::Writer& w, const search::SearchPage& page,
                     const std::vector<std::string>& group_by, const Renderer& render) {
  w.key("room_events").startObject().key("count").integer(page.count);
  w.key("highlights").startArray();
  for (const auto& word : page.highlights) {
    w.string(word);
  }
  w.endArray().key("results").startArray();
  for (const auto& r : page.results) {
    w.startObject().key("rank").raw(rankText(r.rank)).key("result");
    render.event(w, r.event);
    if (r.context) {
      writeContext(w, *r.context, render);
    }
    w.endObject();
  }
  w.endArray().optString("next_batch", page.next_batch);
  if (!group_by.empty()) {
    writeGroups(w, page, group_by);
  }
  if (!page.state.empty()) {
    w.key("state").startObject();
    for (const auto& [room_id, state] : page.state) {
      render.events(w, room_id.c_str(), state);
    }
    w.endObject();
  }
  w.endObject();
}

}  // namespace

// POST /_matrix/client/v3/search?next_batch=
Response postSearch(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const json::Value& categories = json::requireObject(body, "search_categories");
  const json::Value* criteria = json::optObject(categories, "room_events");
  json::Writer w;
  w.startObject().key("search_categories").startObject();
  if (criteria) {
    auto request = parseRoomEvents(*criteria);
    request.next_batch = req.queryParam("next_batch");
    const auto group_by = parseGroupBy(*criteria);
    const auto page = ctx.search.search(who.userId().str(), request);
    const Renderer render(who, ctx, page);
    writeRoomEvents(w, page, group_by, render);
  }
  w.endObject().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
