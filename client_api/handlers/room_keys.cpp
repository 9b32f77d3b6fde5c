// Server-side key backup. The keys endpoints serve three paths each (all rooms, one room, one
// session); the path parameters present decide the scope.
#include "client_api/handlers/e2ee_handlers.h"
#include "homeserver/core/json.h"
#include "homeserver/core/matrix_error.h"

namespace hs::client {

using core::ErrCode;
using core::MatrixError;

namespace {
e2ee::BackupScope scopeOf(const Request& req) {
  e2ee::BackupScope scope;
  if (req.path_params.count("roomId") != 0) {
    scope.room_id = req.pathParam("roomId");
  }
  if (req.path_params.count("sessionId") != 0) {
    scope.session_id = req.pathParam("sessionId");
  }
  return scope;
}

std::string versionParam(const Request& req) {
  const auto v = req.queryParam("version");
  if (!v) {
    throw MatrixError(ErrCode::MissingParam, "Missing 'version'");
  }
  return *v;
}

Response etagAndCount(const e2ee::BackupVersion& v) {
  json::Writer w;
  w.startObject().key("etag").string(std::to_string(v.etag)).key("count").integer(v.count).endObject();
  return Response::json(200, w.take());
}

void writeKey(json::Writer& w, const e2ee::BackupKey& k) {
  w.startObject().key("first_message_index").integer(k.first_message_index);
  w.key("forwarded_count").integer(k.forwarded_count).key("is_verified").boolean(k.is_verified);
  w.key("session_data").raw(k.session_data).endObject();
}

// {"sessions": {...}} for the keys of `room_id` in `keys` (sorted by room, then session).
void writeRoom(json::Writer& w, const std::vector<e2ee::BackupKey>& keys, const std::string& room_id) {
  w.startObject().key("sessions").startObject();
  for (const auto& k : keys) {
    if (k.room_id == room_id) {
      w.key(k.session_id);
      writeKey(w, k);
    }
  }
  w.endObject().endObject();
}
}  // namespace

// POST /_matrix/client/v3/room_keys/version
Response postRoomKeysVersion(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  json::Writer w;
  w.startObject().key("version").string(ctx.key_backup.createVersion(who.userId().str(), body)).endObject();
  return Response::json(200, w.take());
}

// GET /_matrix/client/v3/room_keys/version and /room_keys/version/{version}
Response getRoomKeysVersion(Request& req, const Requester& who, ClientContext& ctx) {
  std::optional<std::string> wanted;
  if (req.path_params.count("version") != 0) {
    wanted = req.pathParam("version");
  }
  const e2ee::BackupVersion v = ctx.key_backup.version(who.userId().str(), wanted);
  json::Writer w;
  w.startObject().key("algorithm").string(v.algorithm).key("auth_data").raw(v.auth_data);
  w.key("count").integer(v.count).key("etag").string(std::to_string(v.etag));
  w.key("version").string(std::to_string(v.version)).endObject();
  return Response::json(200, w.take());
}

// PUT /_matrix/client/v3/room_keys/version/{version}
Response putRoomKeysVersion(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  ctx.key_backup.updateVersion(who.userId().str(), req.pathParam("version"), body);
  return Response::json(200, "{}");
}

// DELETE /_matrix/client/v3/room_keys/version/{version}
Response deleteRoomKeysVersion(Request& req, const Requester& who, ClientContext& ctx) {
  ctx.key_backup.deleteVersion(who.userId().str(), req.pathParam("version"));
  return Response::json(200, "{}");
}

// PUT /_matrix/client/v3/room_keys/keys[/{roomId}[/{sessionId}]]?version=
Response putRoomKeys(Request& req, const Requester& who, ClientContext& ctx) {
  const json::Document body = json::parseObject(req.body);
  return etagAndCount(ctx.key_backup.putKeys(who.userId().str(), versionParam(req), scopeOf(req), body));
}

// GET /_matrix/client/v3/room_keys/keys[/{roomId}[/{sessionId}]]?version=
Response getRoomKeys(Request& req, const Requester& who, ClientContext& ctx) {
  const e2ee::BackupScope scope = scopeOf(req);
  const auto keys = ctx.key_backup.keys(who.userId().str(), versionParam(req), scope);
  json::Writer w;
  if (scope.session_id) {
    writeKey(w, keys.front());  // the service answers M_NOT_FOUND rather than nothing
  } else if (scope.room_id) {
    writeRoom(w, keys, *scope.room_id);
  } else {
    w.startObject().key("rooms").startObject();
    for (size_t i = 0; i < keys.size(); ++i) {
      if (i == 0 || keys[i].room_id != keys[i - 1].room_id) {
        w.key(keys[i].room_id);
        writeRoom(w, keys, keys[i].room_id);
      }
    }
    w.endObject().endObject();
  }
  return Response::json(200, w.take());
}

// DELETE /_matrix/client/v3/room_keys/keys[/{roomId}[/{sessionId}]]?version=
Response deleteRoomKeys(Request& req, const Requester& who, ClientContext& ctx) {
  return etagAndCount(ctx.key_backup.deleteKeys(who.userId().str(), versionParam(req), scopeOf(req)));
}

}  // namespace hs::client
