#pragma once
// Failures that mean "PostgreSQL cannot be reached right now" rather than a bug: the client
// gets 503 with Retry-After (clients back off and retry a 503; a 500 reads as a broken server).
#include <exception>
#include <optional>

#include "homeserver/core/matrix_error.h"

namespace hs::db {

// 503 M_UNKNOWN with retry_after_ms for a lost or refused connection, a server shutting down
// or starting up, and a pool with no free connection in time; nullopt for anything else.
std::optional<core::MatrixError> unavailableError(const std::exception& e);

}  // namespace hs::db
