// createRoom, membership and room listings.
#include "client_api/handlers/room_handlers.h"
#include "client_api/handlers/room_params.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"
#include "homeserver/services/streams/tokens.h"

#include <algorithm>

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
std::optional<std::string> reasonOf(const json::Value& body) { return json::optString(body, "reason"); }

Response roomIdResponse(const std::string& room_id) {
  json::Writer w;
  w.startObject().key("room_id").string(room_id).endObject();
  return Response::json(200, w.take());
}
}  // namespace

// POST /_matrix/client/v3/createRoom
Response postCreateRoom(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body, true);
  return roomIdResponse(ctx.rooms.createRoom(who.userId(), parseCreateRoom(body)));
}

// POST /_matrix/client/v3/rooms/{roomId}/upgrade
Response postRoomUpgrade(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  const std::string version = json::requireString(body, "new_version");
  std::vector<std::string> creators;
  if (json::member(body, "additional_creators")) {
    const auto list = json::optStringArray(body, "additional_creators");
    if (!list) {
      throw MatrixError(ErrCode::BadJson, "additional_creators must be an array of user IDs");
    }
    for (const auto& u : *list) {
      creators.push_back(core::UserId::parse(u).str());
    }
  }
  const std::string replacement =
      ctx.rooms.upgradeRoom(who.userId(), checkRoomId(req.pathParam("roomId")), version, creators);
  json::Writer w;
  w.startObject().key("replacement_room").string(replacement).endObject();
  return Response::json(200, w.take());
}

// POST /_matrix/client/v3/join/{roomIdOrAlias} and /rooms/{roomId}/join
Response postJoin(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body, true);
  const std::string& id_or_alias = req.pathParam("roomId");
  if (id_or_alias.empty() || id_or_alias[0] != '#') {
    checkRoomId(id_or_alias);
  }
  if (who.is_guest) {  // a guest joins only rooms known here whose guest_access is can_join
    const std::string room_id = roomIdFromParam(id_or_alias, ctx.rooms);
    if (ctx.reader.guestAccess(room_id) != "can_join") {
      throw MatrixError(ErrCode::GuestAccessForbidden, "Guests may not join this room");
    }
  }
  // Servers to join a remote room through: `via` (v1.12) and its older name `server_name`.
  std::vector<std::string> via = http::queryValues(req, "via");
  for (auto& s : http::queryValues(req, "server_name")) {
    via.push_back(std::move(s));
  }
  return roomIdResponse(ctx.rooms.joinByIdOrAlias(who.userId(), id_or_alias, std::move(via), reasonOf(body), &body));
}

// POST /_matrix/client/v3/rooms/{roomId}/invite
Response postInvite(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  // Third-party invites (an email address through an identity server): identity servers are
  // not supported (README "Identity servers"), so the request is not understood rather than
  // half-served.
  if (json::member(body, "medium") || json::member(body, "id_server") || json::member(body, "address")) {
    throw MatrixError(ErrCode::Unrecognized,
                      "Third-party invites are not supported: this server uses no identity server", 400);
  }
  const auto target = core::UserId::parse(json::requireString(body, "user_id"));
  ctx.rooms.invite(who.userId(), checkRoomId(req.pathParam("roomId")), target, reasonOf(body));
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/rooms/{roomId}/leave
Response postLeave(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body, true);
  ctx.rooms.leave(who.userId(), checkRoomId(req.pathParam("roomId")), reasonOf(body));
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/rooms/{roomId}/forget
Response postForget(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.rooms.forget(who.userId(), checkRoomId(req.pathParam("roomId")));
  return Response::json(200, "{}");
}

// POST /_matrix/client/v3/rooms/{roomId}/{kick,ban,unban}
Response postMembershipChange(Request& req, const Requester& who, ClientContext& ctx,
                              const std::string& action) {
  const json::Document body = json::parseObject(req.body);
  const auto target = core::UserId::parse(json::requireString(body, "user_id"));
  const auto kind = action == "ban"     ? rooms::MembershipAction::kBan
                    : action == "unban" ? rooms::MembershipAction::kUnban
                                        : rooms::MembershipAction::kKick;
  ctx.rooms.setMembership(who.userId(), checkRoomId(req.pathParam("roomId")), target, kind,
                          reasonOf(body));
  return Response::json(200, "{}");
}

// GET /_matrix/client/v3/joined_rooms
Response getJoinedRooms(Request&, const Requester& who, ClientContext& ctx) {
  json::Writer w;
  w.startObject().key("joined_rooms").startArray();
  for (const auto& id : ctx.reader.joinedRooms(who.userId().str())) {
    w.string(id);
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/rooms/{roomId}/joined_members
Response getJoinedMembers(Request& req, const Requester& who, ClientContext& ctx) {
  const auto members = ctx.reader.members(who.userId().str(), checkRoomId(req.pathParam("roomId")));
  // The spec: "The current user must be in the room for it to work" (former members too get 403).
  const bool joined = std::any_of(members.begin(), members.end(), [&](const rooms::Member& m) {
    return m.user_id == who.userId().str() && m.membership == "join";
  });
  if (!joined) {
    throw MatrixError(ErrCode::Forbidden, "You are not in this room");
  }
  json::Writer w;
  w.startObject().key("joined").startObject();
  for (const auto& m : members) {
    if (m.membership == "join") {
      // Both keys always, null when unset, as Synapse answers (clients index them directly).
      w.key(m.user_id).startObject();
      for (const auto& [key, value] : {std::pair{"display_name", &m.displayname}, {"avatar_url", &m.avatar_url}}) {
        w.key(key);
        value->has_value() ? w.string(**value) : w.null();
      }
      w.endObject();
    }
  }
  w.endObject().endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/rooms/{roomId}/members?membership=&not_membership=&at=
Response getMembers(Request& req, const Requester& who, ClientContext& ctx) {
  const std::string& room_id = checkRoomId(req.pathParam("roomId"));
  std::optional<int64_t> at;
  if (const auto token = req.queryParam("at")) {
    at = streams::parsePaginationToken(*token);
    if (!at) {
      throw MatrixError(ErrCode::InvalidParam, "Invalid 'at' token");
    }
  }
  const auto state = ctx.reader.state(who.userId().str(), room_id, at);
  const auto only = req.queryParam("membership");
  const auto except = req.queryParam("not_membership");
  // The spec: given together, the two filters are an 'or' (the membership is `membership`, or
  // is not `not_membership`); alone, each filters as its name says.
  const auto keep = [&](const std::string& membership) {
    if (only && except) {
      return membership == *only || membership != *except;
    }
    return (!only || membership == *only) && (!except || membership != *except);
  };
  rooms::RenderContext rc = rooms::viewerContext(who.userId().str(), who.device_id, ctx.clock.nowMs());
  json::Writer w;
  w.startObject().key("chunk").startArray();
  for (const auto& e : state) {
    if (e.type != "m.room.member") {
      continue;
    }
    // Filter on the listed event's own membership (a former member sees the state as it
    // was when they left, not today's memberships).
    const auto doc = json::tryParse(e.client_json);
    const json::Value* content = doc ? json::member(*doc, "content") : nullptr;
    const json::Value* m = content ? json::member(*content, "membership") : nullptr;
    if (!keep(m && m->IsString() ? m->GetString() : "")) {
      continue;
    }
    rooms::renderEvent(w, e, rc);
  }
  w.endArray().endObject();
  return Response::json(200, w.take());
}

}  // namespace hs::client
