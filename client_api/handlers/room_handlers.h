#pragma once
// Room handlers: membership (room_membership.cpp), events and state (room_events.cpp),
// history (room_history.cpp), aliases (room_aliases.cpp).
#include "client_api/client_context.h"
#include "homeserver/http/route_table.h"
#include "homeserver/services/rooms/client_render.h"

namespace hs::client {

using http::Request;
using http::Requester;
using http::Response;

Response postCreateRoom(Request& req, const Requester& who, ClientContext& ctx);
Response postJoin(Request& req, const Requester& who, ClientContext& ctx);
Response postRoomUpgrade(Request& req, const Requester& who, ClientContext& ctx);
Response postInvite(Request& req, const Requester& who, ClientContext& ctx);
Response postLeave(Request& req, const Requester& who, ClientContext& ctx);
Response postForget(Request& req, const Requester& who, ClientContext& ctx);
Response postMembershipChange(Request& req, const Requester& who, ClientContext& ctx,
                              const std::string& membership);
Response getJoinedRooms(Request& req, const Requester& who, ClientContext& ctx);
Response getJoinedMembers(Request& req, const Requester& who, ClientContext& ctx);
Response getMembers(Request& req, const Requester& who, ClientContext& ctx);

Response getRoomState(Request& req, const Requester& who, ClientContext& ctx);
Response getRoomStateEvent(Request& req, const Requester& who, ClientContext& ctx);
Response putRoomStateEvent(Request& req, const Requester& who, ClientContext& ctx);
Response putSendEvent(Request& req, const Requester& who, ClientContext& ctx);
Response putRedact(Request& req, const Requester& who, ClientContext& ctx);

Response getMessages(Request& req, const Requester& who, ClientContext& ctx);
Response getContext(Request& req, const Requester& who, ClientContext& ctx);
Response getRoomEvent(Request& req, const Requester& who, ClientContext& ctx);
Response getRelations(Request& req, const Requester& who, ClientContext& ctx);

Response putRoomAlias(Request& req, const Requester& who, ClientContext& ctx);
Response getRoomAlias(Request& req, const Requester& who, ClientContext& ctx);
Response deleteRoomAlias(Request& req, const Requester& who, ClientContext& ctx);
Response getRoomAliases(Request& req, const Requester& who, ClientContext& ctx);

void addRoomRoutes(http::RouteTable& t, ClientContext& ctx);

}  // namespace hs::client
