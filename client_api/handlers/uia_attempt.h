#pragma once
// The user-interactive-auth part of a request, for the account services.
#include "homeserver/core/json.h"
#include "homeserver/http/request.h"
#include "homeserver/services/accounts/uia.h"

namespace hs::client {

// The request's `auth` object and the operation it asks for: a digest of its method, route,
// path parameters and body without `auth`, so that a UIA session started by one request
// cannot complete a different one.
accounts::UiaAttempt uiaAttempt(const http::Request& req, const json::Value& body);

}  // namespace hs::client
