#pragma once
// The JSON shared by /register, /login and /refresh responses.
#include <string>

#include "homeserver/services/accounts/account_service.h"

namespace hs::client {

// {user_id, access_token, device_id, home_server, refresh_token?, expires_in_ms?}; with
// `session_only`, just the token fields (/refresh).
std::string renderLogin(const accounts::LoginResult& r, const std::string& server_name,
                        bool session_only = false);

}  // namespace hs::client
