#include "federation/handlers/handlers.h"
#include "federation/inbound/transaction_receiver.h"

namespace hs::fed {

// PUT /_matrix/federation/v1/send/{txnId} (signed): PDUs to the room pipeline, EDUs applied,
// deduplicated by (origin, txnId).
Response putSendTransaction(Request& req, const Requester& who, FederationContext& ctx) {
  return Response::json(200, ctx.receiver.receive(who.originName(), req.pathParam("txnId"), req.body));
}

}  // namespace hs::fed
