#pragma once
// Federation as one unit App owns: this server's keys, other servers' keys (the key ring),
// discovery and the signing client, the outbound sender with its outbox, inbound transactions,
// and the federation listener (HTTPS, its own route table, dispatcher and worker pool). Only
// built when the config has a federation listener. Started after the client listener, stopped
// before the services it uses.
#include <memory>

#include "homeserver/config/config.h"

namespace hs::core {
class AccessTokenAuthenticator;
class Clock;
class SigningKey;
class ThreadPool;
}  // namespace hs::core
namespace hs::http {
class RouteTable;
class Metrics;
class Dispatcher;
class HttpServer;
}  // namespace hs::http
namespace hs::db {
class Pool;
class PgServerKeyStore;
class PgOutbox;
class PgListener;
class PgFederationInboundStore;
}  // namespace hs::db
namespace hs::net {
class OutboundClient;
}
namespace hs::accounts {
class ProfileService;
}
namespace hs::rooms {
class EventPipeline;
class PipelinePduSink;
class RoomService;
class FederatedRooms;
}  // namespace hs::rooms
namespace hs::accounts {
class AccountStore;
}
namespace hs::ephemeral {
class EphemeralService;
}
namespace hs::presence {
class PresenceService;
}
namespace hs::e2ee {
class ToDeviceService;
class DeviceLists;
}  // namespace hs::e2ee
namespace hs::openid {
class OpenIdService;
}  // namespace hs::openid
namespace hs::fed {
class OwnKeys;
struct FederationContext;
class SystemDnsResolver;
class WellKnownResolver;
class ServerDiscovery;
class FederationClient;
class KeyFetcher;
class KeyRing;
class XMatrixAuthenticator;
class Sender;
class EduApplier;
class TransactionReceiver;
class RemoteProfiles;
class FederationCalls;
}  // namespace hs::fed

namespace hs {

struct FederationDeps {
  const config::Config& config;
  const core::Clock& clock;
  const core::SigningKey& signing_key;
  http::Metrics& metrics;
  core::AccessTokenAuthenticator& tokens;  // never used by federation routes; the dispatcher needs one
  db::Pool& pool;
  net::OutboundClient& client;
  accounts::ProfileService& profiles;
  rooms::RoomService& rooms;
  rooms::EventPipeline& pipeline;
  accounts::AccountStore& account_store;
  ephemeral::EphemeralService& ephemeral;
  presence::PresenceService& presence;
  e2ee::ToDeviceService& to_device;
  e2ee::DeviceLists& device_lists;
  openid::OpenIdService& openid;
};

class FederationModule {
 public:
  explicit FederationModule(const FederationDeps& deps);
  ~FederationModule();
  // Connects the services that produce EDUs or need remote data to federation.
  void connect();
  void start();
  int port() const;
  void stop();

 private:
  void buildOutbound();
  void buildInbound();

  FederationDeps deps_;
  std::unique_ptr<fed::OwnKeys> own_keys_;
  std::unique_ptr<db::PgServerKeyStore> key_store_;
  std::unique_ptr<fed::SystemDnsResolver> dns_;
  std::unique_ptr<fed::WellKnownResolver> well_known_;
  std::unique_ptr<fed::ServerDiscovery> discovery_;
  std::unique_ptr<core::ThreadPool> resolver_pool_;  // discovery (DNS, well-known) only
  std::unique_ptr<fed::FederationClient> fed_client_;
  std::unique_ptr<fed::KeyFetcher> key_fetcher_;
  std::unique_ptr<fed::KeyRing> key_ring_;
  std::unique_ptr<db::PgOutbox> outbox_;
  std::unique_ptr<fed::Sender> sender_;
  std::unique_ptr<db::PgListener> outbox_listener_;
  std::unique_ptr<db::PgFederationInboundStore> inbound_store_;
  std::unique_ptr<rooms::PipelinePduSink> pdu_sink_;
  std::unique_ptr<fed::EduApplier> edus_;
  std::unique_ptr<fed::TransactionReceiver> receiver_;
  std::unique_ptr<fed::RemoteProfiles> remote_profiles_;
  std::unique_ptr<fed::FederationCalls> remote_calls_;
  std::unique_ptr<rooms::FederatedRooms> federated_;
  std::unique_ptr<fed::XMatrixAuthenticator> x_matrix_;
  std::unique_ptr<fed::FederationContext> ctx_;
  std::unique_ptr<http::RouteTable> routes_;
  std::unique_ptr<http::Dispatcher> dispatcher_;
  std::unique_ptr<core::ThreadPool> workers_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace hs
