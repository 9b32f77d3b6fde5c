#include "homeserver/app/app.h"

#include <spdlog/spdlog.h>

#include "client_api/client_context.h"
#include "client_api/routes.h"
#include "db/migrations.h"
#include "db/pg_account_data_store.h"
#include "db/pg_account_store.h"
#include "db/pg_filter_store.h"
#include "db/pg_presence_store.h"
#include "db/pg_push_rule_store.h"
#include "db/pg_directory_store.h"
#include "db/pg_media_store.h"
#include "db/pg_e2ee_backup_store.h"
#include "db/pg_e2ee_key_store.h"
#include "db/pg_e2ee_to_device_store.h"
#include "db/pg_receipt_store.h"
#include "db/pg_room_store.h"
#include "db/pg_openid_store.h"
#include "db/pg_search_store.h"
#include "db/pg_streams.h"
#include "db/pool.h"
#include "db/unavailable.h"
#include "homeserver/app/federation_module.h"
#include "homeserver/app/listener_options.h"
#include "homeserver/app/ops_routes.h"
#include "homeserver/app/social_module.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/random.h"
#include "homeserver/core/signing.h"
#include "homeserver/core/thread_pool.h"
#include "homeserver/http/server.h"
#include "homeserver/net/outbound_client.h"
#include "homeserver/services/account_data/account_data_service.h"
#include "homeserver/services/accounts/account_service.h"
#include "homeserver/services/accounts/profile_service.h"
#include "homeserver/services/filters/filter_service.h"
#include "homeserver/services/presence/presence_service.h"
#include "homeserver/services/push_rules/push_rule_service.h"
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
#include "media/media_context.h"
#include "media/routes.h"

namespace hs {

namespace {
constexpr size_t kMaxQueuedRequests = 4096;
constexpr size_t kMaxQueuedThumbnails = 256;
}  // namespace

App::App(config::Config config) : config_(std::move(config)) {
  clock_ = std::make_unique<core::SystemClock>();
  random_ = std::make_unique<core::SodiumRandom>();
  signing_key_ = std::make_unique<core::SigningKey>(core::SigningKey::loadFile(config_.signing_key_path));
  pool_ = std::make_unique<db::Pool>(config_.database.url, config_.database.pool_size);
  for (const auto& name : db::applyMigrations(*pool_, db::embeddedMigrations())) {
    spdlog::info("applied migration {}", name);
  }
  stream_ = std::make_unique<streams::StreamTracker>(db::maxPersistedStreamPosition(*pool_));
  notifier_ = std::make_unique<streams::Notifier>();
  account_store_ = std::make_unique<db::PgAccountStore>(*pool_);
  accounts_ = std::make_unique<accounts::AccountService>(config_, *account_store_, *random_, *clock_);
  profiles_ = std::make_unique<accounts::ProfileService>(*account_store_, config_.server_name);
  room_store_ = std::make_unique<db::PgRoomStore>(*pool_);
  pipeline_ = std::make_unique<rooms::EventPipeline>(config_, *room_store_, *stream_, *notifier_,
                                                     *signing_key_, *clock_);
  rooms_ = std::make_unique<rooms::RoomService>(config_, *room_store_, *account_store_, *pipeline_,
                                                *clock_, *random_);
  reader_ = std::make_unique<rooms::RoomReader>(*room_store_, *stream_);
  push_rule_store_ = std::make_unique<db::PgPushRuleStore>(*pool_);
  push_rules_ = std::make_unique<push_rules::PushRuleService>(*push_rule_store_, *stream_, *notifier_);
  account_data_store_ = std::make_unique<db::PgAccountDataStore>(*pool_);
  account_data_ = std::make_unique<account_data::AccountDataService>(*account_data_store_, *push_rules_,
                                                                    *stream_, *notifier_);
  filter_store_ = std::make_unique<db::PgFilterStore>(*pool_);
  filters_ = std::make_unique<filters::FilterService>(*filter_store_);
  presence_store_ = std::make_unique<db::PgPresenceStore>(*pool_);
  presence_ = std::make_unique<presence::PresenceService>(*presence_store_, *account_store_, *clock_,
                                                         *stream_, *notifier_, config_.server_name);
  receipt_store_ = std::make_unique<db::PgReceiptStore>(*pool_);
  typing_ = std::make_unique<ephemeral::TypingTracker>(*clock_);
  ephemeral_ = std::make_unique<ephemeral::EphemeralService>(*room_store_, *receipt_store_, *typing_,
                                                             *stream_, *notifier_, *clock_);
  sync_ = std::make_unique<sync::SyncService>(*room_store_, *reader_, *receipt_store_, *typing_, *stream_, *clock_);
  directory_store_ = std::make_unique<db::PgDirectoryStore>(*pool_);
  directory_ = std::make_unique<directory::DirectoryService>(*directory_store_, *room_store_);
  search_store_ = std::make_unique<db::PgSearchStore>(*pool_);
  search_ = std::make_unique<search::SearchService>(*search_store_, *room_store_, *reader_, *stream_);
  openid_store_ = std::make_unique<db::PgOpenIdStore>(*pool_);
  openid_ = std::make_unique<openid::OpenIdService>(*openid_store_, *random_, *clock_);
  buildMedia();
  client_ = std::make_unique<net::OutboundClient>(net::OutboundOptions{
      core::AddressPolicy(config_.federation.ip_range_whitelist), config_.federation.ca_file});
  outbound_ = std::make_unique<core::ThreadPool>("outbound", config_.http.outbound_threads, kMaxQueuedRequests);
  social_ = std::make_unique<SocialModule>(SocialDeps{config_, *pool_, *clock_, *random_, *account_store_,
                                                      *rooms_, *push_rules_, *account_data_, *notifier_,
                                                      *outbound_, *client_});
  buildE2ee();
  connectServices();
  workers_ = std::make_unique<core::ThreadPool>("http-worker", config_.http.worker_threads,
                                                kMaxQueuedRequests);
  const auto& messages = config_.rate_limits.messages_per_user;
  messages_per_user_ = std::make_unique<services::RateLimiter>(*clock_, messages.per_second, messages.burst,
                                                               config_.rate_limits.enabled);
  client_ctx_.reset(new client::ClientContext{config_, *accounts_, *profiles_, *stream_, *notifier_,
                                              *rooms_, *reader_, *clock_, *push_rules_,
                                              *account_data_, *filters_, *presence_, *ephemeral_,
                                              *sync_, *workers_, *directory_, social_->services(),
                                              *device_lists_, *keys_, *cross_signing_, *to_device_,
                                              *key_backup_, *messages_per_user_, *search_, *openid_});
  metrics_ = std::make_unique<http::Metrics>();
  routes_ = std::make_unique<http::RouteTable>();
  client::addClientRoutes(*routes_, *client_ctx_);
  if (config_.url_preview.enabled) {
    url_previews_ = std::make_unique<media::UrlPreviewService>(config_.url_preview, *client_, *clock_);
  }
  media_ctx_.reset(new media::MediaContext{config_, *media_, *thumbnails_, *media_uploads_, *workers_,
                                           url_previews_.get(), *outbound_});
  media::addMediaRoutes(*routes_, *media_ctx_);
  addOpsRoutes(*routes_, *pool_, *metrics_);
  dispatcher_ = std::make_unique<http::Dispatcher>(*routes_, *accounts_, *metrics_,
                                                   config_.http.max_json_body, db::unavailableError);
  metrics_routes_ = std::make_unique<http::RouteTable>();
  addMetricsRoutes(*metrics_routes_, *metrics_);
  metrics_dispatcher_ = std::make_unique<http::Dispatcher>(*metrics_routes_, *accounts_, *metrics_,
                                                           config_.http.max_json_body);
  if (config_.federation_listener) {
    federation_ = std::make_unique<FederationModule>(
        FederationDeps{config_, *clock_, *signing_key_, *metrics_, *accounts_, *pool_, *client_, *profiles_,
                       *rooms_, *pipeline_, *account_store_, *ephemeral_, *presence_, *to_device_, *device_lists_,
                       *openid_});
    federation_->connect();
  }
}

// The media repository: rows in PostgreSQL, bytes on disk, thumbnails on their own pool.
void App::buildMedia() {
  media_store_ = std::make_unique<db::PgMediaStore>(*pool_);
  content_store_ = std::make_unique<media::ContentStore>(config_.media.store_path);
  // A missing helper stops the start, as bad config does, rather than every thumbnail later.
  const std::string helper = config_.media.thumbnailer_path.empty()
                                 ? media::Thumbnailer::helperNextToExecutable()
                                 : config_.media.thumbnailer_path;
  thumbnailer_ = std::make_unique<media::Thumbnailer>(helper, config_.media.max_image_pixels);
  thumbnail_pool_ = std::make_unique<core::ThreadPool>("thumbnailer", config_.media.thumbnail_threads,
                                                       kMaxQueuedThumbnails);
  media_uploads_ = std::make_unique<streams::Notifier>();
  media_ = std::make_unique<media::MediaService>(config_, *media_store_, *content_store_,
                                                 *media_uploads_, *random_, *clock_);
  thumbnails_ = std::make_unique<media::ThumbnailService>(*content_store_, *thumbnailer_,
                                                         *thumbnail_pool_);
}

// End-to-end encryption: device and one-time keys, cross-signing, to-device, key backup.
void App::buildE2ee() {
  e2ee_key_store_ = std::make_unique<db::PgE2eeKeyStore>(*pool_);
  to_device_store_ = std::make_unique<db::PgE2eeToDeviceStore>(*pool_);
  backup_store_ = std::make_unique<db::PgE2eeBackupStore>(*pool_);
  device_lists_ = std::make_unique<e2ee::DeviceLists>(*e2ee_key_store_, *stream_, *notifier_);
  keys_ = std::make_unique<e2ee::KeyService>(*e2ee_key_store_, *device_lists_, *stream_, config_.server_name);
  cross_signing_ = std::make_unique<e2ee::CrossSigning>(*e2ee_key_store_, *device_lists_, *stream_);
  to_device_ = std::make_unique<e2ee::ToDeviceService>(*to_device_store_, *stream_, *notifier_,
                                                       config_.server_name);
  key_backup_ = std::make_unique<e2ee::KeyBackupService>(*backup_store_);
}

// Hooks between services that must not depend on each other directly.
void App::connectServices() {
  rooms_->setEventSentHook([this](const std::string& event_id, const std::string& room_id,
                                  const std::string& content) {
    media_->linkEvent(event_id, room_id, content);
  });
  sync_->setAccountDataSource([this](const std::string& user, int64_t from, int64_t to) {
    std::vector<sync::AccountDataItem> items;
    for (auto& e : account_data_->changedSince(user, from, to)) {
      items.push_back({std::move(e.room_id), std::move(e.type), std::move(e.content)});
    }
    return items;
  });
  sync_->setPresenceSource([this](int64_t from, int64_t to) {
    std::vector<std::pair<std::string, std::string>> events;
    for (const auto& record : presence_->changedSince(from, to)) {
      events.emplace_back(record.user_id, presence_->eventJson(record));
    }
    return events;
  });
  sync_->setCurrentPresenceSource([this](const std::vector<std::string>& users) {
    std::vector<std::pair<std::string, std::string>> events;
    for (const auto& user : users) {
      if (const auto record = presence_->current(user)) {
        events.emplace_back(user, presence_->eventJson(*record));
      }
    }
    return events;
  });
  presence_->setVisibility([this](const std::string& viewer, const std::string& target) {
    return !room_store_->usersSharingRoomAmong(viewer, {target}).empty();
  });
  profiles_->setChangeHook([this](const core::UserId& user) { rooms_->refreshProfile(user); });
  // Joining a direct room adds it to both users' m.direct ({user: [room ids]}).
  rooms_->setDirectRoomHook([this](const std::string& user, const std::string& other,
                                   const std::string& room_id) {
    account_data_->set(user, "", "m.direct",
                       rooms::addDirectRoom(account_data_->get(user, "", "m.direct"), other, room_id));
  });
  social_->connect(*reader_, *sync_, *ephemeral_, *accounts_);
  connectE2ee();
}

// Encryption reaches /sync through one source, and hears of deleted or renamed devices
// through the account service's hook.
void App::connectE2ee() {
  sync_->setDeviceSource([this](const sync::DeviceSyncQuery& q) {
    sync::DeviceSyncData d;
    auto inbox = to_device_->forSync(q.user_id, q.device_id, q.since, q.to);
    d.to_device = std::move(inbox.events);
    d.cut_at = inbox.cut_at;
    if (q.since) {  // device_lists only on incremental syncs
      auto delta = device_lists_->delta(q.user_id, *q.since, inbox.cut_at.value_or(q.to));
      d.changed = std::move(delta.changed);
      d.left = std::move(delta.left);
    }
    d.one_time_keys_count = keys_->oneTimeKeyCounts(q.user_id, q.device_id);
    d.unused_fallback_key_types = keys_->unusedFallbackKeyTypes(q.user_id, q.device_id);
    return d;
  });
  accounts_->setDeviceChangeHook([this](const std::string& user, const std::vector<std::string>& devices,
                                        bool deleted) { device_lists_->devicesChanged(user, devices, deleted); });
}

App::~App() { stop(); }

void App::start() {
  const auto o = listenerOptions("client", config_.client_listener, config_);
  server_ = std::make_unique<http::HttpServer>(o, *dispatcher_, *workers_, *metrics_);
  server_->start();
  spdlog::info("parley {} listening on {}:{}", config_.server_name, o.bind_address, clientPort());
  if (config_.metrics_listener) {
    const auto m = listenerOptions("metrics", *config_.metrics_listener, config_);
    metrics_server_ = std::make_unique<http::HttpServer>(m, *metrics_dispatcher_, *workers_, *metrics_);
    metrics_server_->start();
    spdlog::info("metrics on {}:{}", m.bind_address, metricsPort());
  }
  if (federation_) {
    federation_->start();
  }
}

int App::clientPort() const { return server_ ? server_->port() : 0; }
int App::metricsPort() const { return metrics_server_ ? metrics_server_->port() : 0; }

int App::federationPort() const { return federation_ ? federation_->port() : 0; }

void App::stop() {
  if (notifier_) {
    notifier_->stop();  // parked /sync requests answer now instead of holding up shutdown
  }
  if (media_uploads_) {
    media_uploads_->stop();  // parked downloads answer 504 now
  }
  if (thumbnail_pool_) {
    // Before the listener closes: a running thumbnail still answers its client; queued ones
    // are dropped with their connections.
    thumbnail_pool_->stop();
  }
  if (federation_) {
    federation_->stop();
  }
  if (server_) {
    server_->stop(std::chrono::seconds(10));
    server_.reset();
  }
  if (metrics_server_) {
    metrics_server_->stop(std::chrono::seconds(0));
    metrics_server_.reset();
  }
  if (workers_) {
    workers_->stop();
  }
  if (client_) {
    client_->stop();  // in-flight requests complete (with an error) while their owners exist
  }
  if (outbound_) {
    outbound_->stop();  // before the social services its tasks use are destroyed
  }
}

}  // namespace hs
