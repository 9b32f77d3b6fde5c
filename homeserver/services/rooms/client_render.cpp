#include "homeserver/services/rooms/client_render.h"

namespace hs::rooms {

namespace {
// Bundled aggregations: reaction counts, the newest edit and the thread summary.
void writeRelations(json::Writer& w, const std::vector<std::pair<std::string, int64_t>>* counts,
                    const std::string* edit, const RenderContext::Thread* thread) {
  w.key("m.relations").startObject();
  if (counts != nullptr) {
    w.key("m.annotation").startObject().key("chunk").startArray();
    for (const auto& [key, count] : *counts) {
      w.startObject().key("type").string("m.reaction").key("key").string(key);
      w.key("count").integer(count).endObject();
    }
    w.endArray().endObject();
  }
  if (edit != nullptr) {
    w.key("m.replace").raw(*edit);
  }
  if (thread != nullptr) {
    w.key("m.thread").startObject().key("latest_event").raw(thread->latest_event);
    w.key("count").integer(thread->count);
    w.key("current_user_participated").boolean(thread->participated).endObject();
  }
  w.endObject();
}

std::string unsignedOf(const StoredEvent& e, const RenderContext& ctx) {
  json::Writer w;
  w.startObject().key("age").integer(std::max<int64_t>(0, ctx.now_ms - e.origin_server_ts));
  if (e.txn_id && e.txn_device && e.sender == ctx.viewer_user && *e.txn_device == ctx.viewer_device) {
    w.key("transaction_id").string(*e.txn_id);
  }
  if (e.prev_content) {
    w.key("prev_content").raw(*e.prev_content);
    if (e.prev_sender) {
      w.key("prev_sender").string(*e.prev_sender);
    }
  }
  if (e.redacted_by) {
    auto it = ctx.redactions.find(*e.redacted_by);
    if (it != ctx.redactions.end()) {
      w.key("redacted_because").raw(it->second);
    } else {
      w.key("redacted_because").startObject().key("event_id").string(*e.redacted_by);
      w.key("type").string("m.room.redaction").endObject();
    }
  }
  if (auto it = ctx.delivery_status.find(e.event_id); it != ctx.delivery_status.end()) {
    w.key("im.parley.status").string(it->second);
  }
  if (!e.redacted_by) {
    auto counts = ctx.annotations.find(e.event_id);
    auto edit = ctx.edits.find(e.event_id);
    auto thread = ctx.threads.find(e.event_id);
    const bool has_counts = counts != ctx.annotations.end();
    const bool has_edit = edit != ctx.edits.end();
    const bool has_thread = thread != ctx.threads.end();
    if (has_counts || has_edit || has_thread) {
      writeRelations(w, has_counts ? &counts->second : nullptr, has_edit ? &edit->second : nullptr,
                     has_thread ? &thread->second : nullptr);
    }
  }
  w.endObject();
  return w.take();
}
}  // namespace

std::string renderEvent(const StoredEvent& e, const RenderContext& ctx) {
  // client_json is an object without `unsigned`: splice it in before the closing brace.
  std::string out = e.client_json;
  out.pop_back();
  out += out.size() > 1 ? ",\"unsigned\":" : "\"unsigned\":";
  out += unsignedOf(e, ctx);
  out += '}';
  return out;
}

void renderEvent(json::Writer& w, const StoredEvent& e, const RenderContext& ctx) {
  w.raw(renderEvent(e, ctx));
}

void loadRenderExtras(RoomStore& store, const std::vector<StoredEvent>& events, RenderContext& ctx,
                      const VisibleRange& visible) {
  std::vector<std::string> ids;
  for (const auto& e : events) {
    ids.push_back(e.event_id);
    if (e.redacted_by && !ctx.redactions.count(*e.redacted_by)) {
      if (auto r = store.eventById(*e.redacted_by)) {
        ctx.redactions[*e.redacted_by] = r->client_json;
      }
    }
  }
  for (const auto& [event_id, key, count] : store.annotationCounts(ids, visible)) {
    ctx.annotations[event_id].emplace_back(key, count);
  }
  for (const auto& [original, edit] : store.latestEdits(ids, visible)) {
    ctx.edits[original] = edit.client_json;
  }
  const RenderContext plain = viewerContext(ctx.viewer_user, ctx.viewer_device, ctx.now_ms);
  for (const auto& t : store.threadSummaries(ids, ctx.viewer_user, visible)) {
    ctx.threads[t.root_id] = RenderContext::Thread{renderEvent(t.latest, plain), t.count, t.viewer_participated};
  }
}

}  // namespace hs::rooms
