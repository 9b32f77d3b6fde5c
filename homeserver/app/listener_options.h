#pragma once
// The settings every listener shares (timeouts, limits, connection caps), from the config.
#include <string>

#include "homeserver/config/config.h"
#include "homeserver/http/server_context.h"

namespace hs {

// `name` labels the listener in logs and metrics ("client", "metrics", "federation").
http::ServerOptions listenerOptions(const std::string& name, const config::Listener& l, const config::Config& c);

}  // namespace hs
