#include "homeserver/services/sync/sync_service.h"

#include <algorithm>
#include <map>

namespace hs::sync {

namespace {
constexpr size_t kMaxTimeline = 100;

// Keeps the first `limit` items that `allowed` lets through, per group (`group` of an item).
template <class T, class Allowed, class Group, class Limit>
void keepAllowed(std::vector<T>& items, Allowed allowed, Group group, Limit limit) {
  std::map<std::string, int64_t> kept;
  std::erase_if(items, [&](const T& item) {
    if (!allowed(item)) {
      return true;
    }
    const std::string g = group(item);
    return kept[g]++ >= limit(g);
  });
}

// The account data filters: the top-level `account_data` for global items and
// room.account_data for rooms' items. Account data has no sender, so a `senders` list lets
// none through (Synapse's filter does the same).
void filterAccountData(const filters::Filter& f, std::vector<AccountDataItem>& items) {
  keepAllowed(
      items,
      [&](const AccountDataItem& i) {
        return i.room_id.empty() ? f.account_data.allows(i.type, "")
                                 : f.room.account_data.allowsEvent(i.room_id, i.type, "");
      },
      [](const AccountDataItem& i) { return i.room_id; },
      [&](const std::string& room_id) {
        return room_id.empty() ? f.account_data.limitOr(INT64_MAX) : f.room.account_data.limitOr(INT64_MAX);
      });
}
}  // namespace

bool lazyMembers(const SyncRequest& req) {
  return req.filter.room.state.lazy_load_members || req.filter.room.timeline.lazy_load_members;
}

size_t timelineLimit(const SyncRequest& req) {
  return static_cast<size_t>(std::clamp<int64_t>(
      req.filter.room.timeline.limitOr(filters::kDefaultTimelineLimit), 1, kMaxTimeline));
}

void writeAccountData(json::Writer& w, const std::vector<AccountDataItem>& items,
                      const std::string& room_id) {
  w.key("account_data").startObject().key("events").startArray();
  for (const auto& i : items) {
    if (i.room_id == room_id) {
      w.startObject().key("type").string(i.type).key("content").raw(i.content_json).endObject();
    }
  }
  w.endArray().endObject();
}

std::vector<std::string> SyncService::visiblePresence(const std::string& user_id,
                                                     const filters::Filter& filter, int64_t from,
                                                     int64_t to, const std::vector<std::string>& newly_shared) {
  std::vector<std::string> out;
  if (!presence_) {
    return out;
  }
  auto changes = presence_(from, to);
  std::set<std::string> candidates;
  for (const auto& [user, event] : changes) {
    candidates.insert(user);
  }
  // New room mates (device_lists.changed names them) whose presence did not move meanwhile.
  std::vector<std::string> unchanged;
  for (const auto& u : newly_shared) {
    if (u != user_id && !candidates.count(u)) {
      unchanged.push_back(u);
    }
  }
  if (current_presence_ && !unchanged.empty()) {
    for (auto& current : current_presence_(unchanged)) {
      candidates.insert(current.first);
      changes.push_back(std::move(current));
    }
  }
  const filters::EventFilter& f = filter.presence;
  std::erase_if(changes, [&](const auto& change) { return !f.allows("m.presence", change.first); });
  if (changes.empty()) {
    return out;
  }
  const auto shared = rooms_.usersSharingRoomAmong(user_id, {candidates.begin(), candidates.end()});
  const std::set<std::string> sharing(shared.begin(), shared.end());
  for (auto& [user, event] : changes) {
    if ((user == user_id || sharing.count(user)) && static_cast<int64_t>(out.size()) < f.limitOr(INT64_MAX)) {
      out.push_back(std::move(event));
    }
  }
  return out;
}

streams::SyncToken SyncService::currentToken() const {
  return streams::SyncToken{stream_.safePosition(), typing_.serial()};
}

SyncResult SyncService::sync(const SyncRequest& req) {
  if (!req.since || req.full_state) {
    lazy_sent_.reset(req.user_id, req.device_id);  // the client starts over
  }
  streams::SyncToken next = currentToken();
  const int64_t from = req.since ? std::min(req.since->position, next.position) : 0;
  const DeviceSyncData devices = deviceData(req, from, next.position);
  next.position = devices.cut_at.value_or(next.position);  // to-device messages were cut short
  const int64_t to = next.position;
  const int64_t since_typing = req.since ? req.since->typing : -1;
  std::vector<AccountDataItem> account_data;
  if (account_data_) {
    account_data = account_data_(req.user_id, from, to);
    filterAccountData(req.filter, account_data);
  }
  RoomsOut out;
  if (ext_) {
    out.hidden = ext_->hiddenSenders(req.user_id);
  }
  std::vector<rooms::UserRoom> joined;
  for (const auto& r : rooms_.roomsOfUser(req.user_id)) {
    if (!req.filter.room.allowsRoom(r.room_id) || r.forgotten) {
      continue;
    }
    if (r.membership == "join") {
      joined.push_back(r);
    } else if (r.membership == "invite" && r.stream_pos > from && r.stream_pos <= to) {
      invitedRoom(req.user_id, r, out);
    } else if ((r.membership == "leave" || r.membership == "ban") && r.stream_pos <= to &&
               (req.since ? r.stream_pos > from : req.filter.room.include_leave)) {
      leftRoom(req, r, from, out);
    }
  }
  (void)since_typing;
  joinedRooms(req, joined, from, to, account_data, out);
  if (ext_ && !out.delivered.empty()) {
    ext_->delivered(req.user_id, out.delivered);
  }
  json::Writer w;
  w.startObject().key("next_batch").string(streams::renderSyncToken(next));
  w.key("rooms").startObject();
  for (const auto& [name, list] : {std::pair{"join", &out.join}, {"invite", &out.invite}, {"leave", &out.leave}}) {
    w.key(name).startObject();
    for (const auto& [id, body] : *list) {
      w.key(id).raw(body);
    }
    w.endObject();
  }
  w.endObject();
  writeAccountData(w, account_data, "");
  const auto presence = visiblePresence(req.user_id, req.filter, from, to,
                                        req.since ? devices.changed : std::vector<std::string>{});
  w.key("presence").startObject().key("events").startArray();
  for (const auto& event : presence) {
    w.raw(event);
  }
  w.endArray().endObject();
  writeDeviceData(w, devices);
  w.endObject();
  const bool global_data = std::any_of(account_data.begin(), account_data.end(),
                                       [](const auto& i) { return i.room_id.empty(); });
  const bool changes = !out.join.empty() || !out.invite.empty() || !out.leave.empty() || global_data ||
                       !presence.empty() || hasDeviceNews(devices);
  return SyncResult{w.take(), next, changes};
}

}  // namespace hs::sync
