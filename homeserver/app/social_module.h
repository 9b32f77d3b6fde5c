#pragma once
// The social layer (issue 5) as one unit App owns: its stores, its services, and the hooks
// that tie it to rooms, sync, receipts, account data and accounts. Built after those
// services, connected in App::connectServices, stopped before them.
#include <memory>

#include "homeserver/config/config.h"
#include "homeserver/services/social/social_services.h"

namespace hs::core {
class Clock;
class Random;
class ThreadPool;
}  // namespace hs::core
namespace hs::db {
class Pool;
class PgBlockStore;
class PgFriendStore;
class PgNotificationStore;
class PgDeliveryStore;
class PgThreepidStore;
class PgPusherStore;
}  // namespace hs::db
namespace hs::accounts {
class AccountStore;
class AccountService;
}  // namespace hs::accounts
namespace hs::rooms {
class RoomService;
class RoomReader;
}  // namespace hs::rooms
namespace hs::push_rules {
class PushRuleService;
}
namespace hs::account_data {
class AccountDataService;
}
namespace hs::streams {
class Notifier;
}
namespace hs::sync {
class SyncService;
}
namespace hs::ephemeral {
class EphemeralService;
}
namespace hs::net {
class OutboundClient;
}
namespace hs::social {
class BlockService;
class FriendService;
}  // namespace hs::social
namespace hs::pushers {
class PusherService;
}
namespace hs::email {
class Mailer;
class VerificationService;
}  // namespace hs::email
namespace hs::notifications {
class NotificationService;
class EventNotifier;
class DeliveryService;
class SocialSync;
}  // namespace hs::notifications

namespace hs {

// What the social layer is built from; all outlive it.
struct SocialDeps {
  const config::Config& config;
  db::Pool& pool;
  const core::Clock& clock;
  core::Random& random;
  accounts::AccountStore& account_store;
  rooms::RoomService& rooms;
  push_rules::PushRuleService& push_rules;
  account_data::AccountDataService& account_data;
  streams::Notifier& notifier;
  core::ThreadPool& outbound;  // SMTP calls and push results
  net::OutboundClient& client;  // the application's one outbound client
};

class SocialModule {
 public:
  explicit SocialModule(const SocialDeps& deps);
  ~SocialModule();
  void connect(rooms::RoomReader& reader, sync::SyncService& sync,
               ephemeral::EphemeralService& ephemeral, accounts::AccountService& accounts);
  social::SocialServices services();

 private:
  SocialDeps deps_;
  std::unique_ptr<db::PgBlockStore> block_store_;
  std::unique_ptr<db::PgFriendStore> friend_store_;
  std::unique_ptr<db::PgNotificationStore> notification_store_;
  std::unique_ptr<db::PgDeliveryStore> delivery_store_;
  std::unique_ptr<notifications::NotificationService> notifications_;
  std::unique_ptr<social::BlockService> blocks_;
  std::unique_ptr<social::FriendService> friends_;
  std::unique_ptr<notifications::EventNotifier> event_notifier_;
  std::unique_ptr<notifications::DeliveryService> delivery_;
  std::unique_ptr<notifications::SocialSync> social_sync_;
  std::unique_ptr<db::PgThreepidStore> threepid_store_;
  std::unique_ptr<email::Mailer> mailer_;
  std::unique_ptr<email::VerificationService> email_;
  std::unique_ptr<db::PgPusherStore> pusher_store_;
  std::unique_ptr<pushers::PusherService> pushers_;
};

}  // namespace hs
