#pragma once
// What the client API handlers reach: the configuration and the services. Owned by App.
#include "homeserver/config/config.h"
#include "homeserver/services/accounts/account_service.h"
#include "homeserver/services/accounts/profile_service.h"

namespace hs::client {

struct ClientContext {
  const config::Config& config;
  accounts::AccountService& accounts;
  accounts::ProfileService& profiles;
};

}  // namespace hs::client
