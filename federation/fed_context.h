#pragma once
// What the federation handlers are given: the services they call, built by the application.
#include "homeserver/config/config.h"
#include "homeserver/core/clock.h"

namespace hs::accounts {
class ProfileService;
}
namespace hs::rooms {
class RoomService;
class FederatedRooms;
}  // namespace hs::rooms
namespace hs::openid {
class OpenIdService;
}

namespace hs::fed {

class OwnKeys;
class KeyRing;
class TransactionReceiver;

struct FederationContext {
  const config::Config& config;
  const core::Clock& clock;
  const OwnKeys& own_keys;
  KeyRing& keys;
  TransactionReceiver& receiver;
  accounts::ProfileService& profiles;
  rooms::RoomService& rooms;
  rooms::FederatedRooms& federated;
  openid::OpenIdService& openid;
};

}  // namespace hs::fed
