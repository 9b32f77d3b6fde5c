#include "homeserver/services/presence/presence_service.h"

#include <algorithm>

#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::presence {

using core::ErrCode;
using core::MatrixError;

namespace {
// Activity older than this no longer counts as "currently active" (Synapse's idle timer).
constexpr int64_t kCurrentlyActiveMs = 5 * 60 * 1000;
// A sync refreshes last_active at most this often, unless the state changes.
constexpr int64_t kLastActiveGranularityMs = 60 * 1000;
constexpr size_t kMaxStatusMsgBytes = 1024;

// A user never seen: offline, with nothing else known.
PresenceRecord blank(const std::string& user_id) {
  PresenceRecord r;
  r.user_id = user_id;
  return r;
}

bool isState(const std::string& s) { return s == "online" || s == "unavailable" || s == "offline"; }

void writeContent(json::Writer& w, const PresenceRecord& r, int64_t now) {
  w.startObject().key("presence").string(r.state);
  if (r.last_active_ts) {
    w.key("last_active_ago").integer(std::max<int64_t>(0, now - *r.last_active_ts));
  }
  w.optString("status_msg", r.status_msg);
  const bool active = r.state == "online" && r.last_active_ts &&
                      now - *r.last_active_ts < kCurrentlyActiveMs;
  w.key("currently_active").boolean(active).endObject();
}
}  // namespace

void PresenceService::set(const core::UserId& requester, const core::UserId& target,
                          const std::string& state, const std::optional<std::string>& status_msg) {
  if (!(requester == target)) {
    throw MatrixError(ErrCode::Forbidden, "You may only set your own presence");
  }
  if (!isState(state)) {
    throw MatrixError(ErrCode::InvalidParam, "presence must be online, unavailable or offline");
  }
  if (status_msg && status_msg->size() > kMaxStatusMsgBytes) {
    throw MatrixError(ErrCode::InvalidParam, "status_msg is too long");
  }
  PresenceRecord r = store_.get(target.str()).value_or(blank(target.str()));
  r.state = state;
  r.status_msg = status_msg;
  if (state == "online") {
    r.last_active_ts = clock_.nowMs();  // going online is activity; going away is not
  }
  write(std::move(r));
}

std::string PresenceService::statusJson(const core::UserId& viewer, const core::UserId& target) {
  const bool local = target.server() == server_name_;
  // A remote user's presence is what their server told us, if anything.
  const auto stored = store_.get(target.str());
  if (local ? !accounts_.findUser(target.str()) : !stored) {
    throw MatrixError(ErrCode::NotFound, "No presence for this user");
  }
  if (viewer != target && (!visible_ || !visible_(viewer.str(), target.str()))) {
    throw MatrixError(ErrCode::Forbidden, "You are not allowed to see this user's presence");
  }
  return contentJson(stored.value_or(blank(target.str())));
}

bool PresenceService::applyRemote(const std::string& origin, const json::Value& entry) {
  const auto user = entry.IsObject() ? json::optString(entry, "user_id") : std::nullopt;
  const auto state = entry.IsObject() ? json::optString(entry, "presence") : std::nullopt;
  if (!user || !state || !isState(*state)) {
    return false;
  }
  const auto id = core::UserId::parse(*user);
  if (id.server() != origin) {
    return false;  // a server speaks for its own users only
  }
  PresenceRecord r = blank(id.str());
  r.state = *state;
  r.status_msg = json::optString(entry, "status_msg");
  if (r.status_msg && r.status_msg->size() > kMaxStatusMsgBytes) {
    r.status_msg.reset();
  }
  if (const auto ago = json::optInt(entry, "last_active_ago"); ago && *ago >= 0) {
    r.last_active_ts = clock_.nowMs() - *ago;
  }
  streams::StreamTracker::Reservation pos(stream_);
  r.stream_pos = pos.position();
  store_.put(r, {});
  return true;
}

void PresenceService::touch(const std::string& user_id, const std::string& set_presence) {
  if (set_presence == "offline" || !isState(set_presence)) {
    return;  // "offline": the client asked not to be marked online by syncing
  }
  const int64_t now = clock_.nowMs();
  PresenceRecord r = store_.get(user_id).value_or(blank(user_id));
  const bool same_state = r.state == set_presence;
  const bool fresh = r.last_active_ts && now - *r.last_active_ts < kLastActiveGranularityMs;
  if (same_state && (set_presence != "online" || fresh)) {
    return;
  }
  r.state = set_presence;
  if (set_presence == "online") {
    r.last_active_ts = now;
  }
  write(std::move(r));
}

std::vector<PresenceRecord> PresenceService::changedSince(int64_t from_exclusive,
                                                          int64_t to_inclusive) {
  return store_.changedSince(from_exclusive, to_inclusive);
}

std::string PresenceService::eventJson(const PresenceRecord& record) const {
  json::Writer w;
  w.startObject().key("type").string("m.presence").key("sender").string(record.user_id);
  w.key("content");
  writeContent(w, record, clock_.nowMs());
  w.endObject();
  return w.take();
}

std::string PresenceService::contentJson(const PresenceRecord& record) const {
  json::Writer w;
  writeContent(w, record, clock_.nowMs());
  return w.take();
}

void PresenceService::write(PresenceRecord record) {
  const std::string user_id = record.user_id;
  std::vector<outbound::Edu> edus;
  if (remote_audience_) {
    if (auto servers = remote_audience_(user_id); !servers.empty()) {
      json::Writer w;
      w.startObject().key("push").startArray().startObject().key("user_id").string(user_id);
      w.key("presence").string(record.state).optString("status_msg", record.status_msg);
      if (record.last_active_ts) {
        w.key("last_active_ago").integer(std::max<int64_t>(0, clock_.nowMs() - *record.last_active_ts));
      }
      w.key("currently_active").boolean(record.state == "online").endObject().endArray().endObject();
      // A presence update superseded for minutes is not worth sending.
      edus.push_back({"m.presence", w.take(), std::move(servers), clock_.nowMs() + kCurrentlyActiveMs});
    }
  }
  {
    streams::StreamTracker::Reservation r(stream_);
    record.stream_pos = r.position();
    store_.put(record, edus);
  }  // finished before the wake-up, so a woken /sync can already read the new position
  // Only the user's own /sync is woken here: who else shares a room with them, and so should
  // see the change, is known to /sync and the room services, not to presence.
  notifier_.notifyUsers({user_id});
}

}  // namespace hs::presence
