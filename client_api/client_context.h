#pragma once
// What the client API handlers reach: the configuration and the services. Owned by App.
#include "homeserver/config/config.h"
#include "homeserver/services/account_data/account_data_service.h"
#include "homeserver/services/accounts/account_service.h"
#include "homeserver/services/accounts/profile_service.h"
#include "homeserver/services/filters/filter_service.h"
#include "homeserver/services/presence/presence_service.h"
#include "homeserver/services/push_rules/push_rule_service.h"
#include "homeserver/core/thread_pool.h"
#include "homeserver/services/directory/directory.h"
#include "homeserver/services/e2ee/cross_signing.h"
#include "homeserver/services/e2ee/device_lists.h"
#include "homeserver/services/e2ee/key_backup_service.h"
#include "homeserver/services/e2ee/key_service.h"
#include "homeserver/services/e2ee/to_device_service.h"
#include "homeserver/services/ephemeral/ephemeral_service.h"
#include "homeserver/services/rooms/room_reader.h"
#include "homeserver/services/sync/sync_service.h"
#include "homeserver/services/rooms/room_service.h"
#include "homeserver/services/streams/notifier.h"
#include "homeserver/services/streams/stream_tracker.h"
#include "homeserver/services/rate_limiter.h"
#include "homeserver/services/openid/openid_service.h"
#include "homeserver/services/search/search_service.h"
#include "homeserver/services/social/social_services.h"

namespace hs::client {

struct ClientContext {
  const config::Config& config;
  accounts::AccountService& accounts;
  accounts::ProfileService& profiles;
  streams::StreamTracker& stream;
  streams::Notifier& notifier;
  rooms::RoomService& rooms;
  rooms::RoomReader& reader;
  const core::Clock& clock;
  // New services are added below this line, one reference each, in the order App builds them.
  push_rules::PushRuleService& push_rules;
  account_data::AccountDataService& account_data;
  filters::FilterService& filters;
  presence::PresenceService& presence;
  ephemeral::EphemeralService& ephemeral;
  sync::SyncService& sync;
  core::ThreadPool& workers;
  directory::DirectoryService& directory;  // deferred work, e.g. a parked /sync resuming
  social::SocialServices social;  // friends, blocks, notifications, delivery status
  e2ee::DeviceLists& device_lists;
  e2ee::KeyService& keys;
  e2ee::CrossSigning& cross_signing;
  e2ee::ToDeviceService& to_device;
  e2ee::KeyBackupService& key_backup;
  services::RateLimiter& messages_per_user;  // see perUserLimited (routes.h)
  search::SearchService& search;
  openid::OpenIdService& openid;
};

}  // namespace hs::client
