#include "homeserver/app/social_module.h"

#include <spdlog/spdlog.h>

#include "db/pg_notification_store.h"
#include "db/pg_pusher_store.h"
#include "db/pg_social_store.h"
#include "db/pg_threepid_store.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/net/outbound_client.h"
#include "homeserver/services/accounts/account_service.h"
#include "homeserver/services/email/mailer.h"
#include "homeserver/services/email/verification_service.h"
#include "homeserver/services/ephemeral/ephemeral_service.h"
#include "homeserver/services/notifications/delivery_service.h"
#include "homeserver/services/notifications/event_notifier.h"
#include "homeserver/services/notifications/notification_service.h"
#include "homeserver/services/notifications/social_sync.h"
#include "homeserver/services/pushers/pusher_service.h"
#include "homeserver/services/rooms/room_reader.h"
#include "homeserver/services/rooms/room_service.h"
#include "homeserver/services/social/block_service.h"
#include "homeserver/services/social/friend_service.h"
#include "homeserver/services/social/ignored_list.h"
#include "homeserver/services/sync/sync_service.h"

namespace hs {

namespace {
// Side effects of a committed event or receipt (notifications, counts, pushes, delivery
// records) must not turn the request that caused them into an error: the event is stored
// and acknowledged either way. Their failures are logged here, the one place they end.
template <typename F>
void bestEffort(const char* what, F&& f) {
  try {
    f();
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", what, e.what());
  }
}
}  // namespace

SocialModule::SocialModule(const SocialDeps& d) : deps_(d) {
  block_store_ = std::make_unique<db::PgBlockStore>(d.pool);
  friend_store_ = std::make_unique<db::PgFriendStore>(d.pool);
  notification_store_ = std::make_unique<db::PgNotificationStore>(d.pool);
  delivery_store_ = std::make_unique<db::PgDeliveryStore>(d.pool);
  notifications_ = std::make_unique<notifications::NotificationService>(*notification_store_,
                                                                        d.notifier, d.clock);
  blocks_ = std::make_unique<social::BlockService>(*block_store_, *friend_store_, d.account_store,
                                                   d.account_data, d.config.server_name, d.clock);
  friends_ = std::make_unique<social::FriendService>(
      social::FriendServiceDeps{*friend_store_, *blocks_, d.account_store, d.rooms, d.account_data,
                                *notifications_, d.clock, d.random},
      d.config.server_name);
  event_notifier_ = std::make_unique<notifications::EventNotifier>(
      d.push_rules, d.account_data, *notifications_,
      [this](const std::string& sender) { return blocks_->blockersOf(sender); });
  delivery_ = std::make_unique<notifications::DeliveryService>(*delivery_store_, d.rooms.store(),
                                                               d.clock, d.config.server_name);
  social_sync_ = std::make_unique<notifications::SocialSync>(
      [this](const std::string& user) { return blocks_->blockedBy(user); }, *notifications_, *delivery_);
  threepid_store_ = std::make_unique<db::PgThreepidStore>(d.pool);
  mailer_ = std::make_unique<email::Mailer>(d.config.smtp, d.client, d.outbound);
  email_ = std::make_unique<email::VerificationService>(d.config, *threepid_store_, *mailer_, d.clock,
                                                        d.random);
  pusher_store_ = std::make_unique<db::PgPusherStore>(d.pool);
  pushers_ = std::make_unique<pushers::PusherService>(pushers::PusherServiceDeps{
      *pusher_store_, d.rooms.store(), *notifications_, d.client, d.outbound, d.config.push,
      d.clock});
  notifications_->setPushHook(
      [this](const std::vector<notifications::Notification>& rows) { pushers_->onNotifications(rows); });
}

SocialModule::~SocialModule() = default;

void SocialModule::connect(rooms::RoomReader& reader, sync::SyncService& sync,
                           ephemeral::EphemeralService& ephemeral, accounts::AccountService& accounts) {
  // Email: the UIA stage, registration with an address, login and password reset by email.
  if (mailer_->enabled()) {
    accounts.setThreepidAuth(email_.get());
  }
  accounts.setPasswordChangeHook([this](const std::string& user, const std::string& kept_device) {
    pushers_->passwordChanged(user, kept_device);
  });
  // Blocks: refused invites, hidden events, and m.ignored_user_list as the same list.
  deps_.rooms.setInviteCheck([this](const core::UserId& sender, const core::UserId& target) {
    if (blocks_->isBlocked(target.str(), sender.str())) {
      throw core::MatrixError(core::ErrCode::Forbidden, target.str() + " does not accept your invites");
    }
  });
  reader.setHiddenSenders([this](const std::string& viewer) { return blocks_->blockedBy(viewer); });
  deps_.account_data.setContentHook(social::kIgnoredUserListType,
                                    [this](const std::string& user, const std::string& content) {
                                      return blocks_->applyIgnoredList(user, content);
                                    });
  // Notifications: every committed event is evaluated against the members' push rules, and
  // read receipts clear them.
  deps_.rooms.setEventHook([this](const std::vector<rooms::StoredEvent>& events, const rooms::RoomFacts& room) {
    bestEffort("notifying room events", [&] { event_notifier_->onEvents(events, room); });
  });
  ephemeral.setReceiptHook([this](const std::string& user, const std::string& room_id,
                                  const std::string& thread_id, int64_t pos) {
    bestEffort("marking notifications read", [&] { notifications_->readUpTo(user, room_id, thread_id, pos); });
  });
  sync.setExtension(social_sync_.get());
}

social::SocialServices SocialModule::services() {
  return social::SocialServices{*blocks_, *friends_, *notifications_, *delivery_, *email_, *pushers_};
}

}  // namespace hs
