#include "homeserver/app/federation_module.h"
#include "homeserver/app/listener_options.h"

#include <spdlog/spdlog.h>

#include "db/pg_federation_inbound_store.h"
#include "db/pg_listener.h"
#include "db/pg_outbox.h"
#include "db/pg_room_outbox.h"
#include "db/pg_server_key_store.h"
#include "db/pool.h"
#include "db/unavailable.h"
#include "federation/auth/x_matrix.h"
#include "federation/client/dns.h"
#include "federation/client/federation_client.h"
#include "federation/client/remote_calls.h"
#include "federation/client/remote_profiles.h"
#include "federation/client/server_discovery.h"
#include "federation/client/well_known.h"
#include "federation/fed_context.h"
#include "federation/inbound/edu_applier.h"
#include "federation/inbound/transaction_receiver.h"
#include "federation/keys/key_fetcher.h"
#include "federation/keys/key_ring.h"
#include "federation/listener_tls.h"
#include "federation/queue/sender.h"
#include "federation/routes.h"
#include "homeserver/core/clock.h"
#include "homeserver/core/ids.h"
#include "homeserver/core/thread_pool.h"
#include "homeserver/http/metrics.h"
#include "homeserver/http/server.h"
#include "homeserver/services/accounts/profile_service.h"
#include "homeserver/services/e2ee/device_lists.h"
#include "homeserver/services/e2ee/to_device_service.h"
#include "homeserver/services/ephemeral/ephemeral_service.h"
#include "homeserver/services/presence/presence_service.h"
#include "homeserver/services/rooms/event_pipeline.h"
#include "homeserver/services/rooms/federated_rooms.h"
#include "homeserver/services/rooms/pipeline_pdu_sink.h"
#include "homeserver/services/rooms/room_service.h"

namespace hs {

namespace {
constexpr size_t kMaxQueuedRequests = 4096;
constexpr int kResolverThreads = 4;
}  // namespace

FederationModule::FederationModule(const FederationDeps& d) : deps_(d) {
  own_keys_ = std::make_unique<fed::OwnKeys>(d.config.server_name, d.signing_key,
                                             fed::loadOldVerifyKeys(d.config.old_signing_keys_path));
  key_store_ = std::make_unique<db::PgServerKeyStore>(d.pool);
  dns_ = std::make_unique<fed::SystemDnsResolver>();
  well_known_ = std::make_unique<fed::WellKnownResolver>(*dns_, d.client, d.clock);
  discovery_ = std::make_unique<fed::ServerDiscovery>(*dns_, *well_known_, d.client.policy(), d.clock);
  resolver_pool_ = std::make_unique<core::ThreadPool>("fed-resolver", kResolverThreads, kMaxQueuedRequests);
  fed_client_ = std::make_unique<fed::FederationClient>(d.client, *discovery_, *own_keys_, *resolver_pool_);
  remote_calls_ = std::make_unique<fed::FederationCalls>(*fed_client_);
  key_fetcher_ = std::make_unique<fed::KeyFetcher>(*fed_client_, d.config.federation.trusted_key_servers, d.clock);
  key_ring_ = std::make_unique<fed::KeyRing>(*key_store_, *key_fetcher_, *own_keys_, d.clock);
  buildOutbound();
  buildInbound();
  federated_ = std::make_unique<rooms::FederatedRooms>(d.config, d.pipeline, d.account_store, *remote_calls_,
                                                       d.signing_key, d.clock);
  ctx_.reset(new fed::FederationContext{d.config, d.clock, *own_keys_, *key_ring_, *receiver_, d.profiles, d.rooms,
                                        *federated_, d.openid});
  routes_ = std::make_unique<http::RouteTable>();
  fed::addFederationRoutes(*routes_, *ctx_);
  dispatcher_ = std::make_unique<http::Dispatcher>(*routes_, d.tokens, d.metrics, d.config.http.max_json_body,
                                                   db::unavailableError, x_matrix_.get());
  workers_ = std::make_unique<core::ThreadPool>("fed-worker", d.config.federation.worker_threads, kMaxQueuedRequests);
}

// The outbox and its sender; the sender hears of new rows through LISTEN parley_outbox.
void FederationModule::buildOutbound() {
  const auto& f = deps_.config.federation;
  const core::Clock& clock = deps_.clock;
  outbox_ = std::make_unique<db::PgOutbox>(deps_.pool, [&clock] { return clock.nowMs(); });
  sender_ = std::make_unique<fed::Sender>(
      fed::SenderOptions{deps_.config.server_name, f.initial_backoff_ms, f.max_backoff_ms, f.request_timeout_ms,
                         f.sender_threads},
      *outbox_, *fed_client_, deps_.clock);
  deps_.metrics.addCollector([this] { return sender_->metricsText(); });
}

void FederationModule::buildInbound() {
  inbound_store_ = std::make_unique<db::PgFederationInboundStore>(deps_.pool);
  pdu_sink_ = std::make_unique<rooms::PipelinePduSink>(deps_.pipeline, remote_calls_.get());
  edus_ = std::make_unique<fed::EduApplier>(
      fed::EduTargets{deps_.ephemeral, deps_.presence, deps_.to_device, *inbound_store_});
  receiver_ = std::make_unique<fed::TransactionReceiver>(*inbound_store_, *pdu_sink_, *edus_);
  remote_profiles_ = std::make_unique<fed::RemoteProfiles>(*fed_client_);
  x_matrix_ = std::make_unique<fed::XMatrixAuthenticator>(deps_.config.server_name, *key_ring_, deps_.clock);
  x_matrix_->setVerifiedHook([this](const std::string& origin) { sender_->remoteIsUp(origin); });
}

void FederationModule::connect() {
  const std::string& us = deps_.config.server_name;
  rooms::RoomService& rooms = deps_.rooms;
  deps_.profiles.setRemoteSource(remote_profiles_.get());
  deps_.pipeline.setKeyLookup(key_ring_.get());
  deps_.pipeline.addInTransactionWriter(db::roomOutboxWriter(us));
  rooms.setFederation(federated_.get());
  federated_->setInviteCheck([&rooms](const core::UserId& sender, const core::UserId& target) {
    rooms.checkInvite(sender, target);
  });
  deps_.ephemeral.setOutbox(outbox_.get(), us);
  deps_.to_device.setFederating(true);
  auto audience = [&rooms, us](const std::string& user) {
    return outbound::remoteServersOf(rooms.store().usersSharingRoomWith(user), us);
  };
  deps_.presence.setRemoteAudience(audience);
  deps_.device_lists.setRemoteAudience(audience);
}

FederationModule::~FederationModule() { stop(); }

void FederationModule::start() {
  const config::Config& c = deps_.config;
  http::ServerOptions o = listenerOptions("federation", *c.federation_listener, c);
  o.max_request_size = static_cast<size_t>(std::max(c.http.max_json_body, fed::kMaxTransactionBytes));
  if (o.tls_cert_path.empty()) {  // no certificate given: a self-signed one in the data dir
    o.tls_cert_path = c.config_dir + "/federation_tls.crt";
    o.tls_key_path = c.config_dir + "/federation_tls.key";
    const auto host = core::splitServerName(c.server_name);
    if (fed::ensureSelfSignedCertificate(o.tls_cert_path, o.tls_key_path, host->host)) {
      spdlog::info("generated a self-signed federation certificate for {} in {}", host->host, o.tls_cert_path);
    }
  }
  server_ = std::make_unique<http::HttpServer>(o, *dispatcher_, *workers_, deps_.metrics);
  server_->start();
  spdlog::info("federation listening on https://{}:{}", o.bind_address, port());
  sender_->start();
  fed::Sender* sender = sender_.get();
  outbox_listener_ = std::make_unique<db::PgListener>(
      deps_.config.database.url, db::kOutboxChannel, [sender](const std::string& dest) { sender->wake(dest); },
      [sender] { sender->sweep(); });
}

int FederationModule::port() const { return server_ ? server_->port() : 0; }

void FederationModule::stop() {
  if (outbox_listener_) {
    outbox_listener_->stop();
  }
  if (server_) {
    server_->stop(std::chrono::seconds(5));
    server_.reset();
  }
  if (workers_) {
    workers_->stop();
  }
  if (sender_) {
    sender_->stop();
  }
  if (resolver_pool_) {
    resolver_pool_->stop();
  }
}

}  // namespace hs
