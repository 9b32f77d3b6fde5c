#pragma once
// Presence of local users: set by PUT /presence/{userId}/status and by /sync's set_presence,
// read by GET /presence/{userId}/status and by /sync (which decides whose presence a user may
// see). Each change takes a stream position.
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "homeserver/core/clock.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/json.h"
#include "homeserver/services/accounts/account_store.h"
#include "homeserver/services/presence/presence_store.h"
#include "homeserver/services/streams/notifier.h"
#include "homeserver/services/streams/stream_tracker.h"

namespace hs::presence {

class PresenceService {
 public:
  PresenceService(PresenceStore& store, accounts::AccountStore& accounts, const core::Clock& clock,
                  streams::StreamTracker& stream, streams::Notifier& notifier,
                  std::string server_name)
      : store_(store), accounts_(accounts), clock_(clock), stream_(stream), notifier_(notifier),
        server_name_(std::move(server_name)) {}

  // PUT /presence/{userId}/status: own user only (M_FORBIDDEN); state must be online,
  // unavailable or offline (M_INVALID_PARAM). An absent status_msg clears it.
  void set(const core::UserId& requester, const core::UserId& target, const std::string& state,
           const std::optional<std::string>& status_msg);
  // Whether `viewer` may see `target`'s presence: wired by App to "the same user or sharing
  // a joined room", the rule /sync applies to presence too.
  using Visibility = std::function<bool(const std::string& viewer, const std::string& target)>;
  void setVisibility(Visibility visible) { visible_ = std::move(visible); }

  // GET /presence/{userId}/status body: {presence, last_active_ago?, status_msg?,
  // currently_active?}. M_NOT_FOUND for unknown local users and remote users
  // whose server has told us nothing;
  // M_FORBIDDEN (403, as the spec lists) for a user the viewer may not see.
  std::string statusJson(const core::UserId& viewer, const core::UserId& target);

  // /sync's set_presence ("online" when absent): "offline" changes nothing, the others set
  // the state keeping status_msg. Writes only when the state changes or last_active is stale,
  // so a client syncing in a loop does not move the stream on every request.
  void touch(const std::string& user_id, const std::string& set_presence);
  // For /sync: every user's latest presence changed in (from_exclusive, to_inclusive].
  std::vector<PresenceRecord> changedSince(int64_t from_exclusive, int64_t to_inclusive);
  // The user's presence as last set, if ever.
  std::optional<PresenceRecord> current(const std::string& user_id) { return store_.get(user_id); }
  // Remote users' presence, from an m.presence EDU's push entry ({user_id, presence,
  // status_msg?, last_active_ago?}); the user must belong to `origin`. False when refused.
  bool applyRemote(const std::string& origin, const json::Value& entry);
  // The servers that should hear of a local user's presence (those sharing a room).
  void setRemoteAudience(std::function<std::vector<std::string>(const std::string& user_id)> f) {
    remote_audience_ = std::move(f);
  }
  // The m.presence event /sync sends for a record: {"type","sender","content"}.
  std::string eventJson(const PresenceRecord& record) const;
  // Just its content: {presence, last_active_ago?, status_msg?, currently_active?}.
  std::string contentJson(const PresenceRecord& record) const;

 private:
  void write(PresenceRecord record);

  PresenceStore& store_;
  accounts::AccountStore& accounts_;
  const core::Clock& clock_;
  streams::StreamTracker& stream_;
  streams::Notifier& notifier_;
  std::string server_name_;
  std::function<std::vector<std::string>(const std::string&)> remote_audience_;
  Visibility visible_;
};

}  // namespace hs::presence
