// Room routes, one line each.
#include "client_api/handlers/room_handlers.h"
#include "client_api/routes.h"

namespace hs::client {

using http::Auth;
using http::Method;

void addRoomRoutes(http::RouteTable& t, ClientContext& ctx) {
  auto h = [&ctx](Response (*fn)(Request&, const Requester&, ClientContext&)) {
    return [fn, &ctx](Request& req, const Requester& who) { return fn(req, who, ctx); };
  };
  auto change = [&ctx](const char* membership) {
    return [membership, &ctx](Request& req, const Requester& who) {
      return postMembershipChange(req, who, ctx, membership);
    };
  };
  const Auth tok = Auth::AccessToken;
  // Actions that make events or rooms count against messages_per_user.
  auto limited = [&ctx](http::Handler inner) { return perUserLimited(std::move(inner), ctx); };
  t.addClient(Method::Post, "/createRoom", tok, limited(h(postCreateRoom)));
  t.addClient(Method::Post, "/join/:roomId", tok, h(postJoin));
  t.addClient(Method::Post, "/rooms/:roomId/join", tok, h(postJoin));
  t.addClient(Method::Post, "/rooms/:roomId/invite", tok, limited(h(postInvite)));
  t.addClient(Method::Post, "/rooms/:roomId/leave", tok, h(postLeave));
  t.addClient(Method::Post, "/rooms/:roomId/forget", tok, h(postForget));
  t.addClient(Method::Post, "/rooms/:roomId/upgrade", tok, limited(h(postRoomUpgrade)));
  t.addClient(Method::Post, "/rooms/:roomId/kick", tok, limited(change("leave")));
  t.addClient(Method::Post, "/rooms/:roomId/ban", tok, limited(change("ban")));
  t.addClient(Method::Post, "/rooms/:roomId/unban", tok, limited(change("unban")));
  t.addClient(Method::Get, "/joined_rooms", tok, h(getJoinedRooms));
  t.addClient(Method::Get, "/rooms/:roomId/joined_members", tok, h(getJoinedMembers));
  t.addClient(Method::Get, "/rooms/:roomId/members", tok, h(getMembers));

  t.addClient(Method::Get, "/rooms/:roomId/state", tok, h(getRoomState));
  t.addClient(Method::Get, "/rooms/:roomId/state/:eventType", tok, h(getRoomStateEvent));
  t.addClient(Method::Get, "/rooms/:roomId/state/:eventType/", tok, h(getRoomStateEvent));
  t.addClient(Method::Get, "/rooms/:roomId/state/:eventType/:stateKey", tok, h(getRoomStateEvent));
  t.addClient(Method::Put, "/rooms/:roomId/state/:eventType", tok, limited(h(putRoomStateEvent)));
  t.addClient(Method::Put, "/rooms/:roomId/state/:eventType/", tok, limited(h(putRoomStateEvent)));
  t.addClient(Method::Put, "/rooms/:roomId/state/:eventType/:stateKey", tok, limited(h(putRoomStateEvent)));
  t.addClient(Method::Put, "/rooms/:roomId/send/:eventType/:txnId", tok, limited(h(putSendEvent)));
  t.addClient(Method::Put, "/rooms/:roomId/redact/:eventId/:txnId", tok, limited(h(putRedact)));

  t.addClient(Method::Get, "/rooms/:roomId/messages", tok, h(getMessages));
  t.addClient(Method::Get, "/rooms/:roomId/context/:eventId", tok, h(getContext));
  t.addClient(Method::Get, "/rooms/:roomId/event/:eventId", tok, h(getRoomEvent));
  for (const char* path : {"/rooms/:roomId/relations/:eventId", "/rooms/:roomId/relations/:eventId/:relType",
                           "/rooms/:roomId/relations/:eventId/:relType/:eventType"}) {
    t.add(Method::Get, std::string("/_matrix/client/v1") + path, tok, h(getRelations));
  }

  t.addClient(Method::Put, "/directory/room/:roomAlias", tok, h(putRoomAlias));
  t.addClient(Method::Get, "/directory/room/:roomAlias", Auth::Optional, h(getRoomAlias));
  t.addClient(Method::Delete, "/directory/room/:roomAlias", tok, h(deleteRoomAlias));
  t.addClient(Method::Get, "/rooms/:roomId/aliases", tok, h(getRoomAliases), false);
}

}  // namespace hs::client
