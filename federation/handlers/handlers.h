#pragma once
// Federation endpoint handlers, one per file: parse, call a service, render.
#include "federation/fed_context.h"
#include "homeserver/http/route_table.h"

namespace hs::fed {

using http::Request;
using http::Requester;
using http::Response;

Response getFederationVersion(Request& req, const Requester& who, FederationContext& ctx);
Response getServerKeys(Request& req, const Requester& who, FederationContext& ctx);
Response postKeyQuery(Request& req, const Requester& who, FederationContext& ctx);
Response getKeyQueryServer(Request& req, const Requester& who, FederationContext& ctx);
Response putSendTransaction(Request& req, const Requester& who, FederationContext& ctx);
Response getQueryProfile(Request& req, const Requester& who, FederationContext& ctx);
Response getQueryDirectory(Request& req, const Requester& who, FederationContext& ctx);
Response getMakeJoin(Request& req, const Requester& who, FederationContext& ctx);
Response putSendJoin(Request& req, const Requester& who, FederationContext& ctx);
Response putInvite(Request& req, const Requester& who, FederationContext& ctx);
Response getMakeLeave(Request& req, const Requester& who, FederationContext& ctx);
Response putSendLeave(Request& req, const Requester& who, FederationContext& ctx);
Response getEvent(Request& req, const Requester& who, FederationContext& ctx);
Response getRoomStateAt(Request& req, const Requester& who, FederationContext& ctx);
Response getRoomStateIdsAt(Request& req, const Requester& who, FederationContext& ctx);
Response getEventAuth(Request& req, const Requester& who, FederationContext& ctx);
Response getBackfill(Request& req, const Requester& who, FederationContext& ctx);
Response postGetMissingEvents(Request& req, const Requester& who, FederationContext& ctx);
Response getOpenIdUserInfo(Request& req, const Requester& who, FederationContext& ctx);

// The notary's entry for one server (its key response, countersigned), or "" when unknown.
std::string notaryEntry(FederationContext& ctx, const std::string& server, int64_t min_valid_until_ts);

}  // namespace hs::fed
