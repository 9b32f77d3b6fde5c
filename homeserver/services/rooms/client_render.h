#pragma once
// Renders stored events for clients: the stored client JSON plus `unsigned` (age,
// transaction_id for the sending device, prev_content, redacted_because, bundled relations).
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "homeserver/core/json.h"
#include "homeserver/services/rooms/room_store.h"

namespace hs::rooms {

struct RenderContext {
  std::string viewer_user;
  std::string viewer_device;
  int64_t now_ms = 0;
  // event id -> its annotations [(key, count)], for unsigned.m.relations.
  std::map<std::string, std::vector<std::pair<std::string, int64_t>>> annotations;
  // event id -> the client JSON of its newest edit, for unsigned.m.relations.m.replace.
  std::map<std::string, std::string> edits;
  // redaction event id -> its client JSON, for unsigned.redacted_because.
  std::map<std::string, std::string> redactions;
  // event id -> sent|delivered|read, for unsigned.im.parley.status of the viewer's own events.
  std::map<std::string, std::string> delivery_status;
  // thread root id -> its summary, for unsigned.m.relations.m.thread.
  struct Thread {
    std::string latest_event;  // client JSON, rendered
    int64_t count = 0;
    bool participated = false;
  };
  std::map<std::string, Thread> threads;
};

// A context for one viewer, with no aggregations loaded yet.
inline RenderContext viewerContext(std::string user, std::string device, int64_t now_ms) {
  RenderContext c;
  c.viewer_user = std::move(user);
  c.viewer_device = std::move(device);
  c.now_ms = now_ms;
  return c;
}

// Writes one event into `w` (as an array element or a value).
void renderEvent(json::Writer& w, const StoredEvent& e, const RenderContext& ctx);
std::string renderEvent(const StoredEvent& e, const RenderContext& ctx);
// Fills ctx.annotations, edits, threads and redactions for `events` from the store, bundling
// only relations within `visible` (the viewer's range: RoomReader::loadRenderExtras).
void loadRenderExtras(RoomStore& store, const std::vector<StoredEvent>& events, RenderContext& ctx,
                      const VisibleRange& visible = {});

}  // namespace hs::rooms
