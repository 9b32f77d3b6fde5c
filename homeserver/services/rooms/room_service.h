#pragma once
// Rooms as local users see them: creating rooms, membership, sending events, redactions.
// The rules of the client API live here; every event is built, authorized and persisted by
// the EventPipeline, which also runs the after-commit work.
#include <optional>
#include <string>
#include <vector>

#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/random.h"
#include "homeserver/core/signing.h"
#include "homeserver/services/accounts/account_store.h"
#include "homeserver/services/rooms/event_pipeline.h"

namespace hs::rooms {

struct TxnRef {
  std::string device_id;
  std::string txn_id;
};

struct InitialStateEvent {
  std::string type;
  std::string state_key;
  std::string content_json;
};

struct CreateRoomParams {
  std::optional<std::string> preset;
  std::optional<std::string> visibility;
  bool is_direct = false;
  std::vector<std::string> invite;
  std::vector<InitialStateEvent> initial_state;
  std::optional<std::string> name;
  std::optional<std::string> topic;
  std::optional<std::string> room_alias_name;
  std::optional<std::string> power_level_content_override;  // JSON object text
  std::optional<std::string> creation_content;              // JSON object text
  std::optional<std::string> room_version;
};

enum class MembershipAction { kKick, kBan, kUnban };

// Called after a user joins a room created with is_direct (m.direct account data).
using DirectRoomHook = std::function<void(const std::string& user_id, const std::string& other_user,
                                          const std::string& room_id)>;

// Called before `sender` invites `target`; throws MatrixError to refuse (blocks).
using InviteCheck = std::function<void(const core::UserId& sender, const core::UserId& target)>;

// m.direct content with room_id added under other_user (creating the list if needed).
std::string addDirectRoom(const std::optional<std::string>& m_direct, const std::string& other_user,
                          const std::string& room_id);

class RoomService {
 public:
  RoomService(const config::Config& config, RoomStore& store, accounts::AccountStore& accounts,
              EventPipeline& pipeline, const core::Clock& clock, core::Random& random);

  std::string createRoom(const core::UserId& creator, const CreateRoomParams& params);
  // Room aliases (#name:server): create, resolve, delete, list.
  void createAlias(const core::UserId& user, const std::string& alias, const std::string& room_id);
  std::string resolveAlias(const std::string& alias);
  void deleteAlias(const core::UserId& user, const std::string& alias);
  // Sends one event as `sender`; idempotent per (device, txn) when `txn` is given.
  std::string send(const std::string& room_id, const EventDraft& draft,
                   const std::optional<std::string>& txn_user = {},
                   const std::optional<TxnRef>& txn = {});
  // A state event (PUT /state): when the sender's own current event at that key already has
  // this content, its id, and nothing is sent (as Synapse deduplicates).
  std::string sendState(const std::string& room_id, const EventDraft& draft);
  std::string redact(const core::UserId& sender, const std::string& room_id,
                     const std::string& event_id, const std::optional<std::string>& reason,
                     const std::optional<TxnRef>& txn);

  // `custom`: the /join body, whose fields stay in the member event (membership and, unless
  // given, displayname and avatar_url are the server's).
  void join(const core::UserId& user, const std::string& room_id, const std::optional<std::string>& reason,
            const json::Value* custom = nullptr);
  void invite(const core::UserId& sender, const std::string& room_id, const core::UserId& target,
              const std::optional<std::string>& reason, bool is_direct = false);
  void leave(const core::UserId& user, const std::string& room_id, const std::optional<std::string>& reason);
  // kick (a joined or invited target -> leave), ban, unban (ban -> leave) of `target` by
  // `sender`; M_FORBIDDEN when the target's membership does not fit the action.
  void setMembership(const core::UserId& sender, const std::string& room_id, const core::UserId& target,
                     MembershipAction action, const std::optional<std::string>& reason);
  void forget(const core::UserId& user, const std::string& room_id);
  // POST /rooms/{roomId}/upgrade: the replacement room's ID.
  std::string upgradeRoom(const core::UserId& user, const std::string& room_id,
                          const std::string& new_version,
                          const std::vector<std::string>& additional_creators);
  // Re-sends the user's join event, with their current profile, in every joined room.
  void refreshProfile(const core::UserId& user);

  void setDirectRoomHook(DirectRoomHook hook) { direct_hook_ = std::move(hook); }
  void setEventSentHook(EventSentHook hook) { pipeline_.setEventSentHook(std::move(hook)); }
  void setInviteCheck(InviteCheck check) { invite_check_ = std::move(check); }
  void setEventHook(EventHook hook) { pipeline_.setEventHook(std::move(hook)); }
  RoomStore& store() { return store_; }
  const std::string& serverName() const { return config_.server_name; }

 private:
  std::string memberContent(const core::UserId& user, const std::string& membership,
                            const std::optional<std::string>& reason, bool is_direct,
                            bool with_profile, const json::Value* custom = nullptr);
  // After `alias` was deleted: removes it from the room's m.room.canonical_alias.
  void dropFromCanonicalAlias(const core::UserId& user, const std::string& room_id, const std::string& alias);
  // The current state event at the draft's key when the draft's sender sent it with equal
  // content and is joined (so an outsider learns nothing from the answer).
  std::optional<std::string> unchangedState(const std::string& room_id, const EventDraft& draft);
  void checkRedactionAllowed(RoomWriter& w, const RoomInfo& room, const core::UserId& sender,
                             const std::string& target_id);
  // room_upgrade.cpp
  struct UpgradeSource {
    RoomInfo room;
    std::vector<Event> state;  // create, the user's membership, the transferable state
    std::string last_event;
  };
  UpgradeSource readUpgradeSource(const core::UserId& user, const std::string& room_id);
  static std::string upgradeCreationContent(const UpgradeSource& old, const RoomVersionRules& target,
                                            const std::vector<std::string>& additional_creators);
  void closeOldRoom(const core::UserId& user, const UpgradeSource& old, const std::string& replacement);
  void sendCreationEvents(EventPipeline::Batch& batch, const core::UserId& creator,
                          const std::string& creator_join, const CreateRoomParams& params,
                          const std::optional<std::string>& alias);

  const config::Config& config_;
  RoomStore& store_;
  accounts::AccountStore& accounts_;
  EventPipeline& pipeline_;
  const core::Clock& clock_;
  core::Random& random_;
  DirectRoomHook direct_hook_;
  InviteCheck invite_check_;
};

}  // namespace hs::rooms
