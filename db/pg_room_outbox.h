#pragma once
// The federation outbox rows of a room batch (ALGORITHMS §12): every local event that entered
// the timeline goes to each other server with a member joined to the room (and, for a
// membership change, to the target's server), queued in the batch's own transaction so the
// event and its delivery commit together.
#include <string>

#include "homeserver/services/rooms/event_pipeline.h"

namespace hs::db {

rooms::InTransactionWriter roomOutboxWriter(std::string our_server);

}  // namespace hs::db
