#pragma once
// What the client API handlers reach: the configuration and the services. Owned by App.
#include "homeserver/config/config.h"
#include "homeserver/services/accounts/account_service.h"
#include "homeserver/services/accounts/profile_service.h"
#include "homeserver/services/rooms/room_reader.h"
#include "homeserver/services/rooms/room_service.h"
#include "homeserver/services/streams/notifier.h"
#include "homeserver/services/streams/stream_tracker.h"

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
};

}  // namespace hs::client
