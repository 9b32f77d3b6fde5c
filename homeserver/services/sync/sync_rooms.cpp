// SyncService: the per-room sections of a /sync response.
#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "homeserver/services/rooms/event.h"
#include "homeserver/services/sync/sync_service.h"

namespace hs::sync {

namespace {

// The m.receipt event: event id -> receipt type -> user -> receipt.
void writeReceipts(
    json::Writer& w,
    const std::map<std::string, std::map<std::string, std::map<std::string, const ephemeral::Receipt*>>>& by_event) {
  w.startObject().key("type").string("m.receipt").key("content").startObject();
  for (const auto& [event_id, types] : by_event) {
    w.key(event_id).startObject();
    for (const auto& [type, users] : types) {
      w.key(type).startObject();
      for (const auto& [user, r] : users) {
        w.key(user).startObject().key("ts").integer(r->ts);
        if (!r->thread_id.empty()) {
          w.key("thread_id").string(r->thread_id);
        }
        w.endObject();
      }
      w.endObject();
    }
    w.endObject();
  }
  w.endObject().endObject();
}

void writeEvents(json::Writer& w, const std::vector<rooms::StoredEvent>& events,
                 const rooms::RenderContext& rc) {
  w.startArray();
  for (const auto& e : events) {
    rooms::renderEvent(w, e, rc);
  }
  w.endArray();
}

// Stripped state (ALGORITHMS §20): type, state_key, content and sender only.
void writeStripped(json::Writer& w, const rooms::StoredEvent& e) {
  // Raw, without parsing: an event stored before the depth limit may be too deep to parse.
  const auto content = json::rawMember(e.client_json, "content");
  w.startObject().key("type").string(e.type).key("state_key").string(e.state_key.value_or(""));
  w.key("sender").string(e.sender).key("content").raw(content.value_or("{}")).endObject();
}

bool strippedType(const std::string& type) {
  static const std::set<std::string> kTypes = {"m.room.create", "m.room.name", "m.room.avatar",
                                               "m.room.join_rules", "m.room.canonical_alias",
                                               "m.room.encryption", "m.room.topic"};
  return kTypes.count(type) != 0;
}
}  // namespace

void SyncService::joinedRooms(const SyncRequest& req, const std::vector<rooms::UserRoom>& joined,
                              int64_t from, int64_t to, const std::vector<AccountDataItem>& account_data,
                              RoomsOut& out) {
  std::vector<std::string> ids;
  for (const auto& r : joined) {
    ids.push_back(r.room_id);
  }
  std::set<std::string> with_events;
  const bool initial = !req.since;
  if (!initial) {
    for (auto& id : rooms_.roomsWithEvents(ids, from, to)) {
      with_events.insert(std::move(id));
    }
  }
  std::map<std::string, std::vector<ephemeral::Receipt>> receipts;
  for (auto& r : receipts_.between(ids, initial ? 0 : from, to)) {
    receipts[r.room_id].push_back(std::move(r));
  }
  const int64_t since_typing = req.since ? req.since->typing : -1;
  std::vector<JoinedInput> inputs;
  for (const auto& r : joined) {
    const bool fresh = initial || r.stream_pos > from;  // never synced this room before
    const bool typing_changed = typing_.roomSerial(r.room_id) > since_typing;
    const bool room_data = std::any_of(account_data.begin(), account_data.end(),
                                       [&](const auto& i) { return i.room_id == r.room_id; });
    auto it = receipts.find(r.room_id);
    if (!fresh && !req.full_state && !with_events.count(r.room_id) && it == receipts.end() &&
        !typing_changed && !room_data) {
      continue;  // nothing new: an incremental sync reads nothing more of this room
    }
    inputs.push_back(JoinedInput{r, from, to, fresh, fresh || req.full_state,
                                 it == receipts.end() ? std::vector<ephemeral::Receipt>{} : std::move(it->second),
                                 typing_changed});
  }
  RoomBatch batch = loadBatch(req, inputs, out);
  for (const auto& in : inputs) {
    joinedRoom(req, in, account_data, batch, out);
  }
}

bool SyncService::writeEphemeral(json::Writer& w, const SyncRequest& req, const std::string& room_id,
                                 const std::vector<ephemeral::Receipt>& receipts, bool typing_changed) {
  // Ephemeral events have no sender, so a `senders` list lets none through (as Synapse).
  const filters::RoomEventFilter& f = req.filter.room.ephemeral;
  const int64_t limit = f.limitOr(INT64_MAX);
  const bool with_typing = typing_changed && limit > 0 && f.allowsEvent(room_id, "m.typing", "");
  w.key("ephemeral").startObject().key("events").startArray();
  if (with_typing) {
    w.startObject().key("type").string("m.typing").key("content").startObject().key("user_ids").startArray();
    for (const auto& u : typing_.typing(room_id)) {
      const auto m = rooms_.membership(room_id, u);  // read only when someone types
      if (m && m->membership == "join") {  // someone who left while typing is typing no more
        w.string(u);
      }
    }
    w.endArray().endObject().endObject();
  }
  // event id -> receipt type -> user -> receipt
  std::map<std::string, std::map<std::string, std::map<std::string, const ephemeral::Receipt*>>> by_event;
  for (const auto& r : receipts) {
    if (r.receipt_type == "m.read.private" && r.user_id != req.user_id) {
      continue;  // private receipts are never shown to other users
    }
    by_event[r.event_id][r.receipt_type][r.user_id] = &r;
  }
  const bool with_receipts = !by_event.empty() && limit > (with_typing ? 1 : 0) &&
                             f.allowsEvent(room_id, "m.receipt", "");
  if (with_receipts) {
    writeReceipts(w, by_event);
  }
  w.endArray().endObject();
  return with_typing || with_receipts;
}

void SyncService::writeSummary(json::Writer& w, const RoomBatch& batch, const std::string& room_id) {
  const auto it = batch.summaries.find(room_id);
  const rooms::RoomSummary summary = it == batch.summaries.end() ? rooms::RoomSummary{} : it->second;
  w.key("summary").startObject();
  if (!batch.named.count(room_id)) {
    w.key("m.heroes").startArray();
    for (const auto& h : summary.heroes) {
      w.string(h);
    }
    w.endArray();
  }
  w.key("m.joined_member_count").integer(summary.joined);
  w.key("m.invited_member_count").integer(summary.invited).endObject();
}

void SyncService::joinedRoom(const SyncRequest& req, const JoinedInput& in,
                             const std::vector<AccountDataItem>& account_data, RoomBatch& batch,
                             RoomsOut& out) {
  const std::string& room_id = in.room.room_id;
  Timeline& t = batch.timelines[room_id];
  const auto& state = batch.state[room_id];
  if (!t.events.empty()) {
    out.delivered.emplace_back(room_id, t.events.back().stream_pos);
  }
  // Blocked users' messages are left out (their state events stay: the room needs them).
  std::erase_if(t.events, [&](const rooms::StoredEvent& e) { return !e.state_key && out.hidden.count(e.sender); });
  rooms::RenderContext& rc = batch.rc;
  rc.delivery_status.clear();
  if (ext_) {
    rc.delivery_status = ext_->ownEventStatus(req.user_id, room_id, t.events);
  }
  json::Writer w;
  w.startObject().key("timeline").startObject().key("events");
  writeEvents(w, t.events, rc);
  w.key("limited").boolean(t.limited);
  w.key("prev_batch").string(streams::renderPaginationToken(t.start - 1)).endObject();
  w.key("state").startObject().key("events");
  writeEvents(w, state, rc);
  w.endObject();
  const bool ephemeral = writeEphemeral(w, req, room_id, in.receipts, in.typing_changed || in.state_full);
  writeAccountData(w, account_data, room_id);
  writeSummary(w, batch, room_id);
  writeUnread(w, req, batch, room_id);
  w.endObject();
  // An incremental sync leaves out a room whose news the filters removed entirely (the
  // user's own receipt stays news: it moves the unread counts).
  const bool room_data = std::any_of(account_data.begin(), account_data.end(),
                                     [&](const auto& i) { return i.room_id == room_id; });
  const bool own_receipt = std::any_of(in.receipts.begin(), in.receipts.end(),
                                       [&](const auto& r) { return r.user_id == req.user_id; });
  if (!in.state_full && t.events.empty() && !t.limited && state.empty() && !ephemeral && !room_data &&
      !own_receipt) {
    return;
  }
  if (lazyMembers(req)) {  // what the device will hold once it syncs from this response
    for (const std::vector<rooms::StoredEvent>* events : {&state, &std::as_const(t.events)}) {
      for (const auto& e : *events) {
        if (e.type == rooms::kMember && e.state_key) {
          lazy_sent_.sent(req.user_id, req.device_id, room_id, *e.state_key, e.event_id, in.to);
        }
      }
    }
  }
  out.join.emplace_back(room_id, w.take());
}

void SyncService::writeUnread(json::Writer& w, const SyncRequest& req, const RoomBatch& batch,
                              const std::string& room_id) {
  auto counts = [&w](const char* key, const UnreadCounts& c) {
    w.key(key).startObject().key("notification_count").integer(c.notification_count);
    w.key("highlight_count").integer(c.highlight_count).endObject();
  };
  UnreadCounts main;
  std::map<std::string, UnreadCounts> threads;
  const auto it = batch.unread.find(room_id);
  for (const auto& [thread, c] : it == batch.unread.end() ? std::map<std::string, UnreadCounts>{} : it->second) {
    if (thread == "main" || !ext_ || !req.filter.room.timeline.unread_thread_notifications) {
      main.notification_count += c.notification_count;
      main.highlight_count += c.highlight_count;
    } else {
      threads[thread] = c;
    }
  }
  counts("unread_notifications", main);
  if (ext_ && req.filter.room.timeline.unread_thread_notifications) {
    w.key("unread_thread_notifications").startObject();
    for (const auto& [thread, c] : threads) {
      counts(thread.c_str(), c);
    }
    w.endObject();
  }
}

void SyncService::invitedRoom(const std::string& user_id, const rooms::UserRoom& r, RoomsOut& out) {
  // Invited to a room of another server: the stripped state its server sent with the invite.
  if (const auto remote = rooms_.remoteInviteState(r.room_id, user_id)) {
    const auto events = json::tryParse(*remote);
    const std::string inviter = events && events->IsArray() && !events->Empty()
                                    ? json::optString((*events)[events->Size() - 1], "sender").value_or("")
                                    : "";
    if (!out.hidden.count(inviter)) {
      out.invite.emplace_back(r.room_id, R"({"invite_state":{"events":)" + *remote + "}}");
    }
    return;
  }
  json::Writer w;
  w.startObject().key("invite_state").startObject().key("events").startArray();
  const auto state = rooms_.currentState(r.room_id);
  std::string inviter;
  for (const auto& e : state) {
    if (e.type == rooms::kMember && e.stream_pos == r.stream_pos) {
      inviter = e.sender;
    }
  }
  if (out.hidden.count(inviter)) {
    return;  // an invite from someone the user blocked
  }
  // The room's identity, the invite itself and the inviter's own member event (clients show
  // "X invited you" from it).
  for (const auto& e : state) {
    if (strippedType(e.type) || (e.type == rooms::kMember && (e.stream_pos == r.stream_pos ||
                                                               e.state_key == inviter))) {
      writeStripped(w, e);
    }
  }
  w.endArray().endObject().endObject();
  out.invite.emplace_back(r.room_id, w.take());
}

void SyncService::leftRoom(const SyncRequest& req, const rooms::UserRoom& r, int64_t from, RoomsOut& out) {
  const size_t limit = timelineLimit(req);
  // What the user could see while in the room, up to their leaving.
  const rooms::VisibleRange range = reader_.visibleRangeIfAny(req.user_id, r.room_id)
                                        .value_or(rooms::VisibleRange{r.stream_pos, r.stream_pos, {}});
  auto timeline = rooms_.roomEvents(r.room_id, std::max(from, range.from_excl),
                                    std::min(r.stream_pos, range.to_incl), limit + 1, true);
  const bool limited = timeline.size() > limit;
  if (limited) {
    timeline.pop_back();
  }
  const filters::RoomEventFilter& f = req.filter.room.timeline;
  std::erase_if(timeline, [&f, &range](const rooms::StoredEvent& e) {
    return !range.contains(e.stream_pos) || !f.allowsEventJson(e.room_id, e.type, e.sender, e.client_json);
  });
  std::reverse(timeline.begin(), timeline.end());
  rooms::RenderContext rc = rooms::viewerContext(req.user_id, req.device_id, clock_.nowMs());
  json::Writer w;
  w.startObject().key("timeline").startObject().key("events");
  writeEvents(w, timeline, rc);
  const int64_t start = timeline.empty() ? r.stream_pos : timeline.front().stream_pos;
  w.key("limited").boolean(limited).key("prev_batch").string(streams::renderPaginationToken(start - 1));
  w.endObject().key("state").startObject().key("events").startArray().endArray().endObject();
  w.key("account_data").startObject().key("events").startArray().endArray().endObject().endObject();
  out.leave.emplace_back(r.room_id, w.take());
}

}  // namespace hs::sync
