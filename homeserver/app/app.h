#pragma once
// The composition root: owns every long-lived object, built in dependency order.
#include <memory>

#include "homeserver/config/config.h"

namespace hs::core {
class Clock;
class Random;
class SigningKey;
class ThreadPool;
}  // namespace hs::core
namespace hs::db {
class Pool;
class PgAccountStore;
}  // namespace hs::db
namespace hs::http {
class RouteTable;
class Metrics;
class Dispatcher;
class HttpServer;
}  // namespace hs::http
namespace hs::accounts {
class AccountService;
class ProfileService;
}  // namespace hs::accounts
namespace hs::services {
class RateLimiter;
}  // namespace hs::services
namespace hs::rooms {
class EventPipeline;
class RoomService;
class RoomReader;
}  // namespace hs::rooms
namespace hs::db {
class PgRoomStore;
}
namespace hs::ephemeral {
class TypingTracker;
class EphemeralService;
}  // namespace hs::ephemeral
namespace hs::sync {
class SyncService;
}
namespace hs::db {
class PgReceiptStore;
class PgDirectoryStore;
}  // namespace hs::db
namespace hs::search {
class SearchService;
}  // namespace hs::search
namespace hs::db {
class PgSearchStore;
class PgOpenIdStore;
}  // namespace hs::db
namespace hs::openid {
class OpenIdService;
}  // namespace hs::openid
namespace hs::directory {
class DirectoryService;
}
namespace hs::client {
struct ClientContext;
}
namespace hs::db {
class PgPushRuleStore;
class PgAccountDataStore;
class PgFilterStore;
class PgPresenceStore;
}  // namespace hs::db
namespace hs::push_rules {
class PushRuleService;
}
namespace hs::account_data {
class AccountDataService;
}
namespace hs::filters {
class FilterService;
}
namespace hs::presence {
class PresenceService;
}
namespace hs::streams {
class StreamTracker;
class Notifier;
}  // namespace hs::streams
namespace hs::db {
class PgMediaStore;
}
namespace hs::media {
class UrlPreviewService;
class ContentStore;
class Thumbnailer;
class MediaService;
class ThumbnailService;
struct MediaContext;
}  // namespace hs::media
namespace hs::db {
class PgE2eeKeyStore;
class PgE2eeToDeviceStore;
class PgE2eeBackupStore;
}  // namespace hs::db
namespace hs::e2ee {
class DeviceLists;
class KeyService;
class CrossSigning;
class ToDeviceService;
class KeyBackupService;
}  // namespace hs::e2ee

namespace hs::net {
class OutboundClient;
}

namespace hs {

class SocialModule;
class FederationModule;

class App {
 public:
  // Connects to the database, applies migrations and loads the signing key; throws on any
  // failure so main can log it and exit non-zero.
  explicit App(config::Config config);
  ~App();
  void start();
  int clientPort() const;  // the bound port (the config may say 0)
  int federationPort() const;  // 0 when federation is off
  int metricsPort() const;  // 0 when listeners.metrics is not configured
  void stop();
  const config::Config& config() const { return config_; }

 private:
  void connectServices();
  void buildMedia();
  void buildE2ee();    // stores and services of end-to-end encryption
  void connectE2ee();
  config::Config config_;
  std::unique_ptr<core::Clock> clock_;
  std::unique_ptr<core::Random> random_;
  std::unique_ptr<core::SigningKey> signing_key_;
  std::unique_ptr<db::Pool> pool_;
  std::unique_ptr<streams::StreamTracker> stream_;
  std::unique_ptr<streams::Notifier> notifier_;
  std::unique_ptr<db::PgAccountStore> account_store_;
  std::unique_ptr<accounts::AccountService> accounts_;
  std::unique_ptr<accounts::ProfileService> profiles_;
  std::unique_ptr<db::PgRoomStore> room_store_;
  std::unique_ptr<rooms::EventPipeline> pipeline_;
  std::unique_ptr<rooms::RoomService> rooms_;
  std::unique_ptr<rooms::RoomReader> reader_;
  std::unique_ptr<db::PgPushRuleStore> push_rule_store_;
  std::unique_ptr<push_rules::PushRuleService> push_rules_;
  std::unique_ptr<db::PgAccountDataStore> account_data_store_;
  std::unique_ptr<account_data::AccountDataService> account_data_;
  std::unique_ptr<db::PgFilterStore> filter_store_;
  std::unique_ptr<filters::FilterService> filters_;
  std::unique_ptr<db::PgPresenceStore> presence_store_;
  std::unique_ptr<presence::PresenceService> presence_;
  std::unique_ptr<db::PgReceiptStore> receipt_store_;
  std::unique_ptr<ephemeral::TypingTracker> typing_;
  std::unique_ptr<ephemeral::EphemeralService> ephemeral_;
  std::unique_ptr<sync::SyncService> sync_;
  std::unique_ptr<db::PgDirectoryStore> directory_store_;
  std::unique_ptr<directory::DirectoryService> directory_;
  std::unique_ptr<db::PgSearchStore> search_store_;
  std::unique_ptr<search::SearchService> search_;
  std::unique_ptr<db::PgOpenIdStore> openid_store_;
  std::unique_ptr<openid::OpenIdService> openid_;
  std::unique_ptr<db::PgMediaStore> media_store_;
  std::unique_ptr<media::ContentStore> content_store_;
  std::unique_ptr<media::Thumbnailer> thumbnailer_;
  std::unique_ptr<core::ThreadPool> thumbnail_pool_;
  std::unique_ptr<streams::Notifier> media_uploads_;  // downloads waiting for a /create upload
  std::unique_ptr<media::MediaService> media_;
  std::unique_ptr<media::ThumbnailService> thumbnails_;
  std::unique_ptr<net::OutboundClient> client_;  // every outbound HTTP request and email
  std::unique_ptr<core::ThreadPool> outbound_;    // SMTP calls and push results
  std::unique_ptr<SocialModule> social_;
  std::unique_ptr<db::PgE2eeKeyStore> e2ee_key_store_;
  std::unique_ptr<db::PgE2eeToDeviceStore> to_device_store_;
  std::unique_ptr<db::PgE2eeBackupStore> backup_store_;
  std::unique_ptr<e2ee::DeviceLists> device_lists_;
  std::unique_ptr<e2ee::KeyService> keys_;
  std::unique_ptr<e2ee::CrossSigning> cross_signing_;
  std::unique_ptr<e2ee::ToDeviceService> to_device_;
  std::unique_ptr<e2ee::KeyBackupService> key_backup_;
  std::unique_ptr<services::RateLimiter> messages_per_user_;
  std::unique_ptr<client::ClientContext> client_ctx_;
  std::unique_ptr<media::UrlPreviewService> url_previews_;  // null unless url_preview.enabled
  std::unique_ptr<media::MediaContext> media_ctx_;
  std::unique_ptr<http::RouteTable> routes_;
  std::unique_ptr<http::Metrics> metrics_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
  std::unique_ptr<core::ThreadPool> workers_;
  std::unique_ptr<http::HttpServer> server_;
  std::unique_ptr<FederationModule> federation_;  // null when federation is off
  std::unique_ptr<http::RouteTable> metrics_routes_;
  std::unique_ptr<http::Dispatcher> metrics_dispatcher_;
  std::unique_ptr<http::HttpServer> metrics_server_;
};

}  // namespace hs
