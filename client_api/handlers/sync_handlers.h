#pragma once
// /sync, typing and receipts.
#include <functional>
#include <string>

#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"

namespace hs::client {

using http::Request;
using http::Requester;
using http::Response;

Response getSync(Request& req, const Requester& who, ClientContext& ctx);
// The shape a (long-polled) sync answer is sent in: /sync's own, or legacy /events'.
using SyncRender = std::function<std::string(std::string sync_body)>;
// Answers `sr` at once when there is news, no `since` or no timeout; otherwise parks it until
// the user's streams move or the timeout passes (no thread held). The body goes through
// `render`.
Response longPollSync(Request& req, ClientContext& ctx, const sync::SyncRequest& sr, int64_t timeout_ms,
                      SyncRender render);
// The `timeout` query param in ms, clamped to 0..5 minutes.
int64_t syncTimeoutParam(const Request& req);
Response putTyping(Request& req, const Requester& who, ClientContext& ctx);
Response postReceipt(Request& req, const Requester& who, ClientContext& ctx);
Response postReadMarkers(Request& req, const Requester& who, ClientContext& ctx);

void addSyncRoutes(http::RouteTable& t, ClientContext& ctx);
// directory.cpp: publicRooms, directory/list/room, user_directory/search.
void addDirectoryRoutes(http::RouteTable& t, ClientContext& ctx);

}  // namespace hs::client
